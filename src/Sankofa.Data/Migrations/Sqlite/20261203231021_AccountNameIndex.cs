using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AccountNameIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The clear name stays, nullable, for the start-up backfill (AccountNameBackfill) to index and seal, after which
            // it holds only services' client ids. Down cannot give users back a name it no longer holds.
            migrationBuilder.DropIndex(
                name: "ix_accounts_name",
                table: "accounts");

            migrationBuilder.AlterColumn<string>(
                name: "name",
                table: "accounts",
                type: "TEXT",
                maxLength: 64,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 64);

            migrationBuilder.AddColumn<byte[]>(
                name: "name_index",
                table: "accounts",
                type: "BLOB",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "sealed_name",
                table: "accounts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_accounts_name_index",
                table: "accounts",
                column: "name_index",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_accounts_name_index",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "name_index",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "sealed_name",
                table: "accounts");

            migrationBuilder.AlterColumn<string>(
                name: "name",
                table: "accounts",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 64,
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_accounts_name",
                table: "accounts",
                column: "name",
                unique: true);
        }
    }
}
