using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageUnitSeconds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "disk_gib_seconds",
                table: "resource_usage",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "ram_mib_seconds",
                table: "resource_usage",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "vcpu_seconds",
                table: "resource_usage",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Usage in whole unit-seconds (integers, so billing rates them exactly): the old unit-hours carried over, rounded
            // to the nearest unit-second, before the old columns go.
            migrationBuilder.Sql(
                "UPDATE resource_usage SET vcpu_seconds = CAST(ROUND(vcpu_hours * 3600) AS BIGINT), "
                + "ram_mib_seconds = CAST(ROUND(ram_gb_hours * 1024 * 3600) AS BIGINT), disk_gib_seconds = CAST(ROUND(disk_gb_hours * 3600) AS BIGINT), "
                + "seconds = ROUND(seconds)");

            migrationBuilder.DropColumn(
                name: "disk_gb_hours",
                table: "resource_usage");

            migrationBuilder.DropColumn(
                name: "ram_gb_hours",
                table: "resource_usage");

            migrationBuilder.DropColumn(
                name: "vcpu_hours",
                table: "resource_usage");

            migrationBuilder.AlterColumn<long>(
                name: "seconds",
                table: "resource_usage",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "REAL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "disk_gib_seconds",
                table: "resource_usage");

            migrationBuilder.DropColumn(
                name: "ram_mib_seconds",
                table: "resource_usage");

            migrationBuilder.DropColumn(
                name: "vcpu_seconds",
                table: "resource_usage");

            migrationBuilder.AlterColumn<double>(
                name: "seconds",
                table: "resource_usage",
                type: "REAL",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<double>(
                name: "disk_gb_hours",
                table: "resource_usage",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "ram_gb_hours",
                table: "resource_usage",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "vcpu_hours",
                table: "resource_usage",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);
        }
    }
}
