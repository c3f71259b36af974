using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ComplianceEvidence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "compliance_evidence_runs",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false),
                    attempt = table.Column<int>(type: "INTEGER", nullable: false),
                    from_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    to_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    created_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    package_sha256 = table.Column<byte[]>(type: "BLOB", nullable: false),
                    package = table.Column<byte[]>(type: "BLOB", nullable: false),
                    report = table.Column<byte[]>(type: "BLOB", nullable: false),
                    audit_entry_id = table.Column<long>(type: "INTEGER", nullable: false),
                    passed = table.Column<int>(type: "INTEGER", nullable: false),
                    failed = table.Column<int>(type: "INTEGER", nullable: false),
                    not_applicable = table.Column<int>(type: "INTEGER", nullable: false),
                    manual = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_compliance_evidence_runs", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_compliance_evidence_runs_period",
                table: "compliance_evidence_runs",
                columns: new[] { "from_ms", "to_ms", "attempt" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "compliance_evidence_runs");
        }
    }
}
