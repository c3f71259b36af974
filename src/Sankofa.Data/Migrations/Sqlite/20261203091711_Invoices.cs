using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Invoices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "billing_deposits",
                columns: table => new
                {
                    reference = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    recorded_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    recorded_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    chain_transaction = table.Column<string>(type: "TEXT", maxLength: 66, nullable: true),
                    chain_block = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_billing_deposits", x => x.reference);
                });

            migrationBuilder.CreateTable(
                name: "invoices",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    period_start_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    period_end_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    waiting_for = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    created_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    document = table.Column<string>(type: "TEXT", nullable: true),
                    hash = table.Column<byte[]>(type: "BLOB", nullable: true),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true),
                    total = table.Column<long>(type: "INTEGER", nullable: true),
                    issue_transaction = table.Column<string>(type: "TEXT", maxLength: 66, nullable: true),
                    issue_block = table.Column<long>(type: "INTEGER", nullable: true),
                    customer = table.Column<string>(type: "TEXT", maxLength: 42, nullable: true),
                    auditor = table.Column<string>(type: "TEXT", maxLength: 42, nullable: true),
                    settle_transaction = table.Column<string>(type: "TEXT", maxLength: 66, nullable: true),
                    settle_block = table.Column<long>(type: "INTEGER", nullable: true),
                    checked_at_ms = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_invoices", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_billing_deposits_tenant",
                table: "billing_deposits",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "ix_invoices_status_checked",
                table: "invoices",
                columns: new[] { "status", "checked_at_ms" });

            migrationBuilder.CreateIndex(
                name: "ix_invoices_tenant_period",
                table: "invoices",
                columns: new[] { "tenant_id", "period_start_ms" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "billing_deposits");

            migrationBuilder.DropTable(
                name: "invoices");
        }
    }
}
