using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditSqliteNoQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // SQLite commits entries in id order (one writer, ids that only grow), so the sealer finds the waiting ones as
            // the entries after the last one sealed (AuditStore.ReadWaitingAsync): the queue row the trigger wrote and the
            // sealer deleted for every entry is no longer needed. Entries queued now are exactly those after the last sealed.
            migrationBuilder.Sql("DROP TRIGGER audit_entries_enqueue;");
            migrationBuilder.Sql("DELETE FROM audit_unsealed;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_entries_enqueue AFTER INSERT ON audit_entries
                BEGIN
                    INSERT INTO audit_unsealed (entry_id) VALUES (NEW.id);
                END;
                """);
            migrationBuilder.Sql("INSERT INTO audit_unsealed (entry_id) SELECT id FROM audit_entries WHERE id > COALESCE((SELECT MAX(entry_id) FROM audit_seals), 0);");
        }
    }
}
