using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class UsageSeals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "audit_entry_id",
                table: "resource_usage",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_resource_usage_unsealed",
                table: "resource_usage",
                columns: new[] { "audit_entry_id", "hour_start_ms" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_resource_usage_unsealed",
                table: "resource_usage");

            migrationBuilder.DropColumn(
                name: "audit_entry_id",
                table: "resource_usage");
        }
    }
}
