using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditChainGaps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_chain_gaps",
                columns: table => new
                {
                    first_batch_id = table.Column<long>(type: "INTEGER", nullable: false),
                    last_batch_id = table.Column<long>(type: "INTEGER", nullable: false),
                    batches = table.Column<int>(type: "INTEGER", nullable: false),
                    entries = table.Column<long>(type: "INTEGER", nullable: false),
                    first_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    found_at_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_chain_gaps", x => x.first_batch_id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_chain_gaps");
        }
    }
}
