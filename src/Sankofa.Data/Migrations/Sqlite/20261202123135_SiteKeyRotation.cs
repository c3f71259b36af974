using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SiteKeyRotation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "retire_block",
                table: "site_agents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "retire_transaction",
                table: "site_agents",
                type: "TEXT",
                maxLength: 66,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "retired_at_ms",
                table: "site_agents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "retired_by",
                table: "site_agents",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "rotates_from",
                table: "site_agents",
                type: "TEXT",
                maxLength: 42,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "rotation_signature",
                table: "site_agents",
                type: "BLOB",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "retire_block",
                table: "site_agents");

            migrationBuilder.DropColumn(
                name: "retire_transaction",
                table: "site_agents");

            migrationBuilder.DropColumn(
                name: "retired_at_ms",
                table: "site_agents");

            migrationBuilder.DropColumn(
                name: "retired_by",
                table: "site_agents");

            migrationBuilder.DropColumn(
                name: "rotates_from",
                table: "site_agents");

            migrationBuilder.DropColumn(
                name: "rotation_signature",
                table: "site_agents");
        }
    }
}
