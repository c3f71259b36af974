using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ResourceListJson : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "list_json",
                table: "resources",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "list_json_version",
                table: "resources",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "list_json",
                table: "resources");

            migrationBuilder.DropColumn(
                name: "list_json_version",
                table: "resources");
        }
    }
}
