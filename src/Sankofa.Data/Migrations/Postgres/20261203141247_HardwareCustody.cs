using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Sankofa.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class HardwareCustody : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "assets",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    manufacturer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    model = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    serial = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    firmware = table.Column<string>(type: "text", nullable: false),
                    server_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    host_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    created_at_ms = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_assets", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "custody_documents",
                columns: table => new
                {
                    hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    content_type = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    stored_at_ms = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_custody_documents", x => x.hash);
                });

            migrationBuilder.CreateTable(
                name: "custody_events",
                columns: table => new
                {
                    asset_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    actor = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    counterparty = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    document_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    passed = table.Column<bool>(type: "boolean", nullable: true),
                    site_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    host_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    recorded_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    chain_transaction = table.Column<string>(type: "character varying(66)", maxLength: 66, nullable: false),
                    chain_block = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_custody_events", x => new { x.asset_id, x.sequence });
                });

            migrationBuilder.CreateIndex(
                name: "ix_assets_host",
                table: "assets",
                column: "host_id");

            migrationBuilder.CreateIndex(
                name: "ix_assets_server",
                table: "assets",
                column: "server_id");

            migrationBuilder.CreateIndex(
                name: "ux_assets_id",
                table: "assets",
                column: "id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "assets");

            migrationBuilder.DropTable(
                name: "custody_documents");

            migrationBuilder.DropTable(
                name: "custody_events");
        }
    }
}
