using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CoveringUsageIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_resource_usage_tenant",
                table: "resource_usage");

            migrationBuilder.DropIndex(
                name: "ix_resource_availability_tenant",
                table: "resource_availability");

            migrationBuilder.CreateIndex(
                name: "ix_resource_usage_tenant",
                table: "resource_usage",
                columns: new[] { "tenant_id", "hour_start_ms", "audit_entry_id" });

            migrationBuilder.CreateIndex(
                name: "ix_resource_availability_tenant",
                table: "resource_availability",
                columns: new[] { "tenant_id", "hour_start_ms", "audit_entry_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_resource_usage_tenant",
                table: "resource_usage");

            migrationBuilder.DropIndex(
                name: "ix_resource_availability_tenant",
                table: "resource_availability");

            migrationBuilder.CreateIndex(
                name: "ix_resource_usage_tenant",
                table: "resource_usage",
                columns: new[] { "tenant_id", "hour_start_ms" });

            migrationBuilder.CreateIndex(
                name: "ix_resource_availability_tenant",
                table: "resource_availability",
                columns: new[] { "tenant_id", "hour_start_ms" });
        }
    }
}
