using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Sankofa.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_batches",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    root = table.Column<byte[]>(type: "bytea", nullable: false),
                    first_sequence = table.Column<long>(type: "bigint", nullable: false),
                    count = table.Column<int>(type: "integer", nullable: false),
                    sealed_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    anchor_transaction = table.Column<string>(type: "character varying(66)", maxLength: 66, nullable: true),
                    anchor_block = table.Column<long>(type: "bigint", nullable: true),
                    anchored_at_ms = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_batches", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    time_ms = table.Column<long>(type: "bigint", nullable: false),
                    actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    action = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    subject = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    payload = table.Column<string>(type: "text", nullable: true),
                    payload_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: true),
                    previous_hash = table.Column<byte[]>(type: "bytea", nullable: true),
                    hash = table.Column<byte[]>(type: "bytea", nullable: true),
                    batch_id = table.Column<long>(type: "bigint", nullable: true),
                    leaf_index = table.Column<int>(type: "integer", nullable: true),
                    proof = table.Column<byte[]>(type: "bytea", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_entries", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_batches_unanchored",
                table: "audit_batches",
                column: "id",
                filter: "anchor_block IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_action",
                table: "audit_entries",
                columns: new[] { "action", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_actor",
                table: "audit_entries",
                columns: new[] { "actor", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_batch_id",
                table: "audit_entries",
                column: "batch_id");

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_sequence",
                table: "audit_entries",
                column: "sequence",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_subject",
                table: "audit_entries",
                columns: new[] { "subject", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_unsealed",
                table: "audit_entries",
                column: "id",
                filter: "sequence IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_batches");

            migrationBuilder.DropTable(
                name: "audit_entries");
        }
    }
}
