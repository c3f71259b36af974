using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SiteAgents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "site_agents",
                columns: table => new
                {
                    seq = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    site_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    address = table.Column<string>(type: "TEXT", maxLength: 42, nullable: false),
                    version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    registered_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    registered_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    signed_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    proof = table.Column<byte[]>(type: "BLOB", nullable: false),
                    approved_at_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    approved_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    key_transaction = table.Column<string>(type: "TEXT", maxLength: 66, nullable: true),
                    key_block = table.Column<long>(type: "INTEGER", nullable: true),
                    last_seen_at_ms = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_site_agents", x => x.seq);
                });

            migrationBuilder.CreateIndex(
                name: "ix_site_agents_site",
                table: "site_agents",
                columns: new[] { "site_id", "seq" });

            migrationBuilder.CreateIndex(
                name: "ix_site_agents_site_address",
                table: "site_agents",
                columns: new[] { "site_id", "address" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "site_agents");
        }
    }
}
