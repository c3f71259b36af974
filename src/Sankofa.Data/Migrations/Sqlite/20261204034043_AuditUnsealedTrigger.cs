using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditUnsealedTrigger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Every insert into audit_entries, whoever makes it (the log, audited writes, raw SQL), queues the entry for the
            // sealer. A migration of its own because AuditSealTable rebuilds audit_entries last, which drops its triggers.
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_entries_enqueue AFTER INSERT ON audit_entries
                BEGIN
                    INSERT INTO audit_unsealed (entry_id) VALUES (NEW.id);
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER audit_entries_enqueue;");
        }
    }
}
