using Sankofa.Core.Access;
using Sankofa.Core.Tenancy;

namespace Sankofa.Core.Tests.Tenancy;

/// <summary>The tenancy service and queries over in-memory stores: validation, conflicts, audit, and each caller's visibility.</summary>
public class TenancyServiceTests
{
    private static readonly ResourceTotals Quota = new(64, 262144, 4096, 20);
    private static readonly Caller Admin = new("admin", "admin", [new RoleGrant(Roles.PlatformAdmin)]);
    private static readonly Caller ViewerOfA = new("v", "v", [new RoleGrant(Roles.Viewer, "a")]);
    private static readonly Caller OperatorOfA = new("o", "o", [new RoleGrant(Roles.Operator, "a")]);
    private static readonly Caller Agent = new("s", "s", [new RoleGrant(Roles.SiteAgent, "edge-001")]);

    private readonly InMemoryTenancyStore store = new();
    private readonly TenancyService service;
    private readonly TenancyQueries queries;

    public TenancyServiceTests()
    {
        service = new TenancyService(store, store);
        queries = new TenancyQueries(store, store);
    }

    private async Task SeedAsync()
    {
        foreach (var tenant in new[] { "a", "b" })
        {
            Assert.True((await service.CreateTenantAsync("test", tenant, "Tenant " + tenant, Quota, default)).Succeeded);
            Assert.True((await service.CreateProjectAsync("test", tenant, "p" + tenant, "Project " + tenant, Quota, default)).Succeeded);
        }
    }

    [Fact]
    public async Task A_tenant_is_stored_with_its_audit_event_and_a_second_with_the_same_id_is_a_conflict_naming_the_id()
    {
        var created = await service.CreateTenantAsync("api:admin", "acme", "Acme", Quota, default);
        var again = await service.CreateTenantAsync("api:admin", "acme", "Acme", Quota, default);

        Assert.Equal("acme", created.Value!.Id);
        Assert.Equal(ErrorKind.Conflict, again.Error!.Kind);
        Assert.Contains("id", again.Error.Fields.Keys);
        var audit = Assert.Single(store.Audit);
        Assert.Equal(("api:admin", "tenancy.tenant.created", "tenant:acme"), (audit.Actor, audit.Action, audit.Subject));
    }

    [Fact]
    public async Task Bad_fields_are_refused_by_name_and_nothing_is_stored()
    {
        var refused = await service.CreateTenantAsync("test", "Not An Id", " ", new ResourceTotals(-1, 1, 1, 1), default);

        Assert.Equal(ErrorKind.Invalid, refused.Error!.Kind);
        Assert.Contains("id", refused.Error.Fields.Keys);
        Assert.Contains("name", refused.Error.Fields.Keys);
        Assert.Contains(refused.Error.Fields.Keys, k => k.StartsWith("quota.", StringComparison.Ordinal));
        Assert.Empty(store.Audit);
    }

    [Fact]
    public async Task A_project_of_a_missing_tenant_is_not_found()
    {
        var refused = await service.CreateProjectAsync("test", "nowhere", "p1", "P", Quota, default);

        Assert.Equal(ErrorKind.NotFound, refused.Error!.Kind);
        Assert.Contains("tenantId", refused.Error.Fields.Keys);
    }

    [Fact]
    public async Task A_tenant_scoped_caller_sees_only_its_tenant_and_another_tenant_answers_as_a_missing_one()
    {
        await SeedAsync();

        Assert.Equal(["a"], (await queries.ListTenantsAsync(ViewerOfA, default)).Value!.Select(t => t.Id));
        Assert.Equal(["a", "b"], (await queries.ListTenantsAsync(Admin, default)).Value!.Select(t => t.Id));
        var other = await queries.GetProjectAsync(ViewerOfA, "pb", default);
        var missing = await queries.GetProjectAsync(ViewerOfA, "pz", default);
        Assert.Equal(ErrorKind.NotFound, other.Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, missing.Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await queries.ListProjectsAsync(ViewerOfA, "b", default)).Error!.Kind);
        Assert.Equal(["pa"], (await queries.ListProjectsAsync(ViewerOfA, "a", default)).Value!.Select(p => p.Id));
    }

    [Fact]
    public async Task A_caller_without_tenant_roles_is_forbidden_and_pickers_offer_only_projects_the_caller_may_act_in()
    {
        await SeedAsync();

        var refused = await queries.ListTenantsAsync(Agent, default);
        Assert.Equal(ErrorKind.Forbidden, refused.Error!.Kind);
        Assert.Equal(Permission.TenantsRead.ToName(), refused.Error.MissingPermission);
        Assert.Empty(await queries.ProjectsWhereAsync(ViewerOfA, Permission.ResourcesWrite, null, default));
        Assert.Equal(["pa"], (await queries.ProjectsWhereAsync(OperatorOfA, Permission.ResourcesWrite, null, default)).Select(p => p.Id));
        Assert.Equal(["pa", "pb"], (await queries.ProjectsWhereAsync(Admin, Permission.ResourcesWrite, null, default)).Select(p => p.Id));
    }
}
