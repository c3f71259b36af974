using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Postgres
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
                    entry_id = table.Column<long>(type: "bigint", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    previous_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    batch_id = table.Column<long>(type: "bigint", nullable: false),
                    leaf_index = table.Column<int>(type: "integer", nullable: false),
                    proof = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_seals", x => x.entry_id);
                });

            migrationBuilder.CreateTable(
                name: "audit_unsealed",
                columns: table => new
                {
                    entry_id = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_unsealed", x => x.entry_id);
                });

            // Existing data: seals move to their table, entries not sealed yet join the queue, then the old columns go.
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

            // Every insert into audit_entries, whoever makes it (the log, audited writes, raw SQL), queues the entry for
            // the sealer; one statement-level trigger per INSERT or COPY, whatever its number of rows.
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_entries_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO audit_unsealed (entry_id) SELECT id FROM inserted;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER audit_entries_enqueue AFTER INSERT ON audit_entries
                    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_enqueue();
                """);

            // The queue is all churn (every row is deleted within seconds): vacuum it after every 10,000 dead rows, not after
            // 20 % of a table that is nearly always small.
            migrationBuilder.Sql("ALTER TABLE audit_unsealed SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER audit_entries_enqueue ON audit_entries; DROP FUNCTION audit_entries_enqueue();");

            migrationBuilder.AddColumn<long>(
                name: "batch_id",
                table: "audit_entries",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "hash",
                table: "audit_entries",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "leaf_index",
                table: "audit_entries",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "previous_hash",
                table: "audit_entries",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "proof",
                table: "audit_entries",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "sequence",
                table: "audit_entries",
                type: "bigint",
                nullable: true);

            migrationBuilder.Sql("""
                UPDATE audit_entries AS e SET sequence = s.sequence, previous_hash = s.previous_hash, hash = s.hash,
                    batch_id = s.batch_id, leaf_index = s.leaf_index, proof = s.proof
                FROM audit_seals AS s WHERE s.entry_id = e.id;
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
