using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Sankofa.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Provisioning : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "resource_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    resource_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    time_ms = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    message = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resource_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "resource_usage",
                columns: table => new
                {
                    resource_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    hour_start_ms = table.Column<long>(type: "bigint", nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    project_id = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    seconds = table.Column<double>(type: "double precision", nullable: false),
                    vcpu_hours = table.Column<double>(type: "double precision", nullable: false),
                    ram_gb_hours = table.Column<double>(type: "double precision", nullable: false),
                    disk_gb_hours = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resource_usage", x => new { x.resource_id, x.hour_start_ms });
                });

            migrationBuilder.CreateTable(
                name: "resources",
                columns: table => new
                {
                    seq = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    tenant_id = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    project_id = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    vcpu = table.Column<int>(type: "integer", nullable: false),
                    ram_mib = table.Column<long>(type: "bigint", nullable: false),
                    disk_gib = table.Column<long>(type: "bigint", nullable: false),
                    template = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ssh_keys = table.Column<string>(type: "text", nullable: false),
                    cloud_init_user = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    spec_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    desired = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    settled = table.Column<bool>(type: "boolean", nullable: false),
                    failure_reason = table.Column<string>(type: "text", nullable: true),
                    site_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    host_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    anti_affinity_group = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    placement = table.Column<string>(type: "text", nullable: false),
                    vm_node = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    vm_id = table.Column<int>(type: "integer", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    created_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    updated_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    verified_at_ms = table.Column<long>(type: "bigint", nullable: true),
                    deleted_at_ms = table.Column<long>(type: "bigint", nullable: true),
                    metered_until_ms = table.Column<long>(type: "bigint", nullable: true),
                    idempotency_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resources", x => x.seq);
                });

            migrationBuilder.CreateTable(
                name: "tenants",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    quota_vcpu = table.Column<int>(type: "integer", nullable: false),
                    quota_ram_mib = table.Column<long>(type: "bigint", nullable: false),
                    quota_disk_gib = table.Column<long>(type: "bigint", nullable: false),
                    quota_vms = table.Column<int>(type: "integer", nullable: false),
                    used_vcpu = table.Column<int>(type: "integer", nullable: false),
                    used_ram_mib = table.Column<long>(type: "bigint", nullable: false),
                    used_disk_gib = table.Column<long>(type: "bigint", nullable: false),
                    used_vms = table.Column<int>(type: "integer", nullable: false),
                    created_at_ms = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenants", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "projects",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    quota_vcpu = table.Column<int>(type: "integer", nullable: false),
                    quota_ram_mib = table.Column<long>(type: "bigint", nullable: false),
                    quota_disk_gib = table.Column<long>(type: "bigint", nullable: false),
                    quota_vms = table.Column<int>(type: "integer", nullable: false),
                    used_vcpu = table.Column<int>(type: "integer", nullable: false),
                    used_ram_mib = table.Column<long>(type: "bigint", nullable: false),
                    used_disk_gib = table.Column<long>(type: "bigint", nullable: false),
                    used_vms = table.Column<int>(type: "integer", nullable: false),
                    created_at_ms = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_projects", x => x.id);
                    table.ForeignKey(
                        name: "FK_projects_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_projects_tenant_id",
                table: "projects",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "ix_resource_events_resource",
                table: "resource_events",
                columns: new[] { "resource_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_resource_usage_tenant",
                table: "resource_usage",
                columns: new[] { "tenant_id", "hour_start_ms" });

            migrationBuilder.CreateIndex(
                name: "ix_resources_due",
                table: "resources",
                column: "next_attempt_at_ms",
                filter: "settled = FALSE");

            migrationBuilder.CreateIndex(
                name: "ix_resources_id",
                table: "resources",
                column: "id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_resources_idempotency_key",
                table: "resources",
                columns: new[] { "project_id", "idempotency_key" },
                unique: true,
                filter: "idempotency_key IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_resources_project",
                table: "resources",
                columns: new[] { "project_id", "seq" });

            migrationBuilder.CreateIndex(
                name: "ix_resources_site",
                table: "resources",
                columns: new[] { "site_id", "seq" });

            migrationBuilder.CreateIndex(
                name: "ix_resources_status",
                table: "resources",
                columns: new[] { "status", "seq" });

            migrationBuilder.CreateIndex(
                name: "ix_resources_tenant",
                table: "resources",
                columns: new[] { "tenant_id", "seq" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "projects");

            migrationBuilder.DropTable(
                name: "resource_events");

            migrationBuilder.DropTable(
                name: "resource_usage");

            migrationBuilder.DropTable(
                name: "resources");

            migrationBuilder.DropTable(
                name: "tenants");
        }
    }
}
