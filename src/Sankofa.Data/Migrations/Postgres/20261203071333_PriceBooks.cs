using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Postgres
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
                    version = table.Column<long>(type: "bigint", nullable: false),
                    effective_from_ms = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    minor_digits = table.Column<int>(type: "integer", nullable: false),
                    prices = table.Column<string>(type: "text", nullable: false),
                    hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    created_by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    chain_transaction = table.Column<string>(type: "character varying(66)", maxLength: 66, nullable: true),
                    chain_block = table.Column<long>(type: "bigint", nullable: true)
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
