using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TenantHourSeals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "tenant_hour_seals",
                columns: table => new
                {
                    entry_id = table.Column<long>(type: "bigint", nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    hour_start_ms = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenant_hour_seals", x => x.entry_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_tenant_hour_seals_tenant",
                table: "tenant_hour_seals",
                columns: new[] { "tenant_id", "hour_start_ms", "entry_id" });

            // The hours sealed before this table existed: one row per entry (an entry holds one tenant's hour).
            migrationBuilder.Sql(
                "INSERT INTO tenant_hour_seals (entry_id, tenant_id, hour_start_ms) "
                + "SELECT audit_entry_id, tenant_id, hour_start_ms FROM resource_usage WHERE audit_entry_id IS NOT NULL "
                + "UNION SELECT audit_entry_id, tenant_id, hour_start_ms FROM resource_availability WHERE audit_entry_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "tenant_hour_seals");
        }
    }
}
