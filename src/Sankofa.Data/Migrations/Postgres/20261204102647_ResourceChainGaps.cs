using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ResourceChainGaps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "resource_chain_comparisons",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    compared_to_block = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resource_chain_comparisons", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "resource_chain_gaps",
                columns: table => new
                {
                    chain_key = table.Column<string>(type: "character varying(66)", maxLength: 66, nullable: false),
                    resource_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    on_chain_state = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    block = table.Column<long>(type: "bigint", nullable: false),
                    spec_hash = table.Column<string>(type: "character varying(66)", maxLength: 66, nullable: false),
                    site_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    store_status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    vm = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    detail = table.Column<string>(type: "text", nullable: false),
                    found_at_ms = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resource_chain_gaps", x => x.chain_key);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "resource_chain_comparisons");

            migrationBuilder.DropTable(
                name: "resource_chain_gaps");
        }
    }
}
