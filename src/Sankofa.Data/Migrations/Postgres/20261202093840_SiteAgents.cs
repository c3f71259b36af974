using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Sankofa.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SiteAgents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "site_agents",
                columns: table => new
                {
                    seq = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    site_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    address = table.Column<string>(type: "character varying(42)", maxLength: 42, nullable: false),
                    version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    registered_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    registered_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    signed_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    proof = table.Column<byte[]>(type: "bytea", nullable: false),
                    approved_at_ms = table.Column<long>(type: "bigint", nullable: true),
                    approved_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    key_transaction = table.Column<string>(type: "character varying(66)", maxLength: 66, nullable: true),
                    key_block = table.Column<long>(type: "bigint", nullable: true),
                    last_seen_at_ms = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_site_agents", x => x.seq);
                });

            migrationBuilder.CreateIndex(
                name: "ix_site_agents_site",
                table: "site_agents",
                columns: new[] { "site_id", "seq" });

            migrationBuilder.CreateIndex(
                name: "ix_site_agents_site_address",
                table: "site_agents",
                columns: new[] { "site_id", "address" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "site_agents");
        }
    }
}
