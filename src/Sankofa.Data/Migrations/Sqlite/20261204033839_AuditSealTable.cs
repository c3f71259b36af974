using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditSealTable : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_seals",
                columns: table => new
                {
                    entry_id = table.Column<long>(type: "INTEGER", nullable: false),
                    sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    previous_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    batch_id = table.Column<long>(type: "INTEGER", nullable: false),
                    leaf_index = table.Column<int>(type: "INTEGER", nullable: false),
                    proof = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_seals", x => x.entry_id);
                });

            migrationBuilder.CreateTable(
                name: "audit_unsealed",
                columns: table => new
                {
                    entry_id = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_unsealed", x => x.entry_id);
                });

            // Existing data: seals move to their table, entries not sealed yet join the queue, then the old columns go (EF
            // rebuilds the table for that, after these statements). The queue's trigger follows in AuditUnsealedTrigger, since
            // the rebuild would drop it.
            migrationBuilder.Sql("""
                INSERT INTO audit_seals (entry_id, sequence, previous_hash, hash, batch_id, leaf_index, proof)
                    SELECT id, sequence, previous_hash, hash, batch_id, leaf_index, proof FROM audit_entries WHERE sequence IS NOT NULL;
                INSERT INTO audit_unsealed (entry_id) SELECT id FROM audit_entries WHERE sequence IS NULL;
                """);

            migrationBuilder.DropIndex(
                name: "ix_audit_entries_batch_id",
                table: "audit_entries");

            migrationBuilder.DropIndex(
                name: "ix_audit_entries_sequence",
                table: "audit_entries");

            migrationBuilder.DropIndex(
                name: "ix_audit_entries_unsealed",
                table: "audit_entries");

            migrationBuilder.DropColumn(
                name: "batch_id",
                table: "audit_entries");

            migrationBuilder.DropColumn(
                name: "hash",
                table: "audit_entries");

            migrationBuilder.DropColumn(
                name: "leaf_index",
                table: "audit_entries");

            migrationBuilder.DropColumn(
                name: "previous_hash",
                table: "audit_entries");

            migrationBuilder.DropColumn(
                name: "proof",
                table: "audit_entries");

            migrationBuilder.DropColumn(
                name: "sequence",
                table: "audit_entries");

            migrationBuilder.CreateIndex(
                name: "ix_audit_seals_batch_id",
                table: "audit_seals",
                column: "batch_id");

            migrationBuilder.CreateIndex(
                name: "ix_audit_seals_sequence",
                table: "audit_seals",
                column: "sequence",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "batch_id",
                table: "audit_entries",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "hash",
                table: "audit_entries",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "leaf_index",
                table: "audit_entries",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "previous_hash",
                table: "audit_entries",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "proof",
                table: "audit_entries",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "sequence",
                table: "audit_entries",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.Sql("""
                UPDATE audit_entries SET (sequence, previous_hash, hash, batch_id, leaf_index, proof) =
                    (SELECT s.sequence, s.previous_hash, s.hash, s.batch_id, s.leaf_index, s.proof FROM audit_seals AS s WHERE s.entry_id = audit_entries.id);
                """);

            migrationBuilder.DropTable(
                name: "audit_seals");

            migrationBuilder.DropTable(
                name: "audit_unsealed");

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
                name: "ix_audit_entries_unsealed",
                table: "audit_entries",
                column: "id",
                filter: "sequence IS NULL");
        }
    }
}
