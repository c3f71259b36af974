using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditRemovals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_removals",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    created_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    before_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    first_batch = table.Column<long>(type: "INTEGER", nullable: false),
                    last_batch = table.Column<long>(type: "INTEGER", nullable: false),
                    first_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    last_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    oldest_entry_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    newest_entry_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    last_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    last_leaf_index = table.Column<int>(type: "INTEGER", nullable: false),
                    last_proof = table.Column<byte[]>(type: "BLOB", nullable: false),
                    file_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    file_sha256 = table.Column<byte[]>(type: "BLOB", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_removals", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_removals_last_sequence",
                table: "audit_removals",
                column: "last_sequence",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_removals");
        }
    }
}
