using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Availability : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "resource_availability",
                columns: table => new
                {
                    resource_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    hour_start_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    project_id = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    expected_seconds = table.Column<long>(type: "INTEGER", nullable: false),
                    down_seconds = table.Column<long>(type: "INTEGER", nullable: false),
                    audit_entry_id = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resource_availability", x => new { x.resource_id, x.hour_start_ms });
                });

            migrationBuilder.CreateTable(
                name: "resource_availability_marks",
                columns: table => new
                {
                    resource_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    measured_until_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resource_availability_marks", x => x.resource_id);
                });

            migrationBuilder.CreateTable(
                name: "resource_down_intervals",
                columns: table => new
                {
                    resource_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    start_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    end_ms = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resource_down_intervals", x => new { x.resource_id, x.start_ms });
                });

            migrationBuilder.CreateIndex(
                name: "ix_resource_availability_tenant",
                table: "resource_availability",
                columns: new[] { "tenant_id", "hour_start_ms" });

            migrationBuilder.CreateIndex(
                name: "ix_resource_availability_unsealed",
                table: "resource_availability",
                columns: new[] { "audit_entry_id", "hour_start_ms" });

            migrationBuilder.CreateIndex(
                name: "ix_resource_down_intervals_tenant",
                table: "resource_down_intervals",
                columns: new[] { "tenant_id", "start_ms" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "resource_availability");

            migrationBuilder.DropTable(
                name: "resource_availability_marks");

            migrationBuilder.DropTable(
                name: "resource_down_intervals");
        }
    }
}
