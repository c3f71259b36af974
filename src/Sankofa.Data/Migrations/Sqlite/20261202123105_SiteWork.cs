using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SiteWork : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "site_work",
                columns: table => new
                {
                    seq = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    work_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    site_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    resource_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    order_json = table.Column<string>(type: "TEXT", nullable: false),
                    queued_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    finished_at_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    error = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    vm_node = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    vm_id = table.Column<int>(type: "INTEGER", nullable: true),
                    observed_spec_hash = table.Column<byte[]>(type: "BLOB", nullable: true),
                    signature = table.Column<byte[]>(type: "BLOB", nullable: true),
                    attestation_count = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_site_work", x => x.seq);
                });

            migrationBuilder.CreateIndex(
                name: "ix_site_work_open_resource",
                table: "site_work",
                columns: new[] { "resource_id", "kind" },
                unique: true,
                filter: "state = 'open'");

            migrationBuilder.CreateIndex(
                name: "ix_site_work_open_site",
                table: "site_work",
                columns: new[] { "site_id", "seq" },
                filter: "state = 'open'");

            migrationBuilder.CreateIndex(
                name: "ix_site_work_resource",
                table: "site_work",
                columns: new[] { "resource_id", "kind", "seq" });

            migrationBuilder.CreateIndex(
                name: "ix_site_work_work_id",
                table: "site_work",
                column: "work_id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "site_work");
        }
    }
}
