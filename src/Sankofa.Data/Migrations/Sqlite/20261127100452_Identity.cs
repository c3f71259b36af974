using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sankofa.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Identity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "accounts",
                columns: table => new
                {
                    seq = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    secret_hash = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    must_change_password = table.Column<bool>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    controller = table.Column<string>(type: "TEXT", maxLength: 42, nullable: false),
                    subject_salt = table.Column<byte[]>(type: "BLOB", nullable: true),
                    created_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false),
                    chain_status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    chain_block = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_accounts", x => x.seq);
                    table.UniqueConstraint("ak_accounts_id", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "account_chain_steps",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    account_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    scope = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    created_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    done_at_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    transaction_hash = table.Column<string>(type: "TEXT", maxLength: 66, nullable: true),
                    block_number = table.Column<long>(type: "INTEGER", nullable: true),
                    error = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_account_chain_steps", x => x.id);
                    table.ForeignKey(
                        name: "FK_account_chain_steps_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "account_roles",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    scope = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_account_roles", x => new { x.account_id, x.role, x.scope });
                    table.ForeignKey(
                        name: "FK_account_roles_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_account_chain_steps_account",
                table: "account_chain_steps",
                columns: new[] { "account_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_account_chain_steps_pending",
                table: "account_chain_steps",
                column: "id",
                filter: "state = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_account_roles_role",
                table: "account_roles",
                column: "role");

            migrationBuilder.CreateIndex(
                name: "ix_account_roles_scope",
                table: "account_roles",
                columns: new[] { "scope", "account_id" });

            migrationBuilder.CreateIndex(
                name: "ix_accounts_controller",
                table: "accounts",
                column: "controller",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_accounts_name",
                table: "accounts",
                column: "name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "account_chain_steps");

            migrationBuilder.DropTable(
                name: "account_roles");

            migrationBuilder.DropTable(
                name: "accounts");
        }
    }
}
