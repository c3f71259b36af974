using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PriceBooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "price_books",
                columns: table => new
                {
                    version = table.Column<long>(type: "INTEGER", nullable: false),
                    effective_from_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    minor_digits = table.Column<int>(type: "INTEGER", nullable: false),
                    prices = table.Column<string>(type: "TEXT", nullable: false),
                    hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    created_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    chain_transaction = table.Column<string>(type: "TEXT", maxLength: 66, nullable: true),
                    chain_block = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_price_books", x => x.version);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "price_books");
        }
    }
}
