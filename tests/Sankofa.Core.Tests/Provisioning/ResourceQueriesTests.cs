using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Tests.Fakes;
using Sankofa.Core.Tests.Tenancy;

namespace Sankofa.Core.Tests.Provisioning;

/// <summary>The resource reads over in-memory stores: each caller's visibility and the filters' validation.</summary>
public sealed class ResourceQueriesTests
{
    private static readonly ResourceTotals Quota = new(64, 262144, 4096, 20);
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly Caller Admin = new("admin", "root", [new RoleGrant(Roles.PlatformAdmin)]);
    private static readonly Caller ViewerOfA = new("v", "vic", [new RoleGrant(Roles.Viewer, "a")]);
    private static readonly Caller Agent = new("s", "agent", [new RoleGrant(Roles.SiteAgent, "edge-001")]);

    private readonly FakeResourceStore store = new();
    private readonly InMemoryTenancyStore tenancy = new();
    private readonly FakeUsageStore usage = new();
    private readonly ResourceQueries queries;

    public ResourceQueriesTests()
    {
        queries = new ResourceQueries(store, tenancy, usage);
        var seed = new AuditEvent("test", "tenancy.seeded", "test", "{}");
        tenancy.CreateProjectAsync(new Project("pa", "a", "Project a", Quota, default), seed, default).GetAwaiter().GetResult();
        tenancy.CreateProjectAsync(new Project("pb", "b", "Project b", Quota, default), seed, default).GetAwaiter().GetResult();
        store.Add(NewResource("vm-a1", "a", "pa"));
        store.Add(NewResource("vm-b1", "b", "pb"));
        store.Add(NewResource("vm-a2", "a", "pa"));
    }

    [Fact]
    public async Task A_tenants_caller_lists_only_its_tenants_resources_even_when_it_asks_for_another_tenant()
    {
        var own = await queries.ListAsync(ViewerOfA, new ResourceListRequest(), default);
        var other = await queries.ListAsync(ViewerOfA, new ResourceListRequest(TenantId: "b"), default);
        var all = await queries.ListAsync(Admin, new ResourceListRequest(), default);

        Assert.Equal(["vm-a2", "vm-a1"], own.Value!.Items.Select(r => r.Id));
        Assert.Empty(other.Value!.Items);
        Assert.Equal(["vm-a2", "vm-b1", "vm-a1"], all.Value!.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task Bad_filters_are_refused_as_invalid_naming_each_field()
    {
        var refused = await queries.ListAsync(ViewerOfA, new ResourceListRequest(Status: "sleeping", Limit: 0, Sort: "colour"), default);
        var numericStatus = await queries.ListAsync(ViewerOfA, new ResourceListRequest(Status: "1"), default);

        Assert.Equal(ErrorKind.Invalid, refused.Error!.Kind);
        Assert.Equal(["limit", "sort", "status"], refused.Error.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["status"], numericStatus.Error!.Fields.Keys);
    }

    [Fact]
    public async Task A_status_filter_in_any_case_lists_only_resources_in_that_state()
    {
        await store.UpdateResourceAsync((await store.GetResourceAsync("vm-a1", default))! with { Status = ResourceStatus.Verified }, null, null, null, default);

        var verified = await queries.ListAsync(ViewerOfA, new ResourceListRequest(Status: "VERIFIED"), default);

        Assert.Equal(["vm-a1"], verified.Value!.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task Another_tenants_resource_and_its_usage_answer_exactly_as_missing_ones_without_reading_its_usage()
    {
        var other = await queries.GetAsync(ViewerOfA, "vm-b1", default);
        var missing = await queries.GetAsync(ViewerOfA, "vm-zz", default);
        var otherUsage = await queries.GetUsageAsync(ViewerOfA, "vm-b1", default);

        Assert.Equal((ErrorKind.NotFound, ErrorKind.NotFound, ErrorKind.NotFound), (other.Error!.Kind, missing.Error!.Kind, otherUsage.Error!.Kind));
        Assert.Equal(missing.Error.Message.Replace("vm-zz", "vm-b1", StringComparison.Ordinal), other.Error.Message);
        Assert.Equal(["id"], other.Error.Fields.Keys);
        Assert.Equal(0, usage.Reads);
        Assert.Equal("vm-a1", (await queries.GetAsync(ViewerOfA, "vm-a1", default)).Value!.Resource.Id);
        // Without its history (what a provenance asks): the same visibility, the same answer for another tenant's.
        Assert.Equal(other.Error.Message, (await queries.GetResourceAsync(ViewerOfA, "vm-b1", default)).Error!.Message);
        Assert.Equal("vm-a1", (await queries.GetResourceAsync(ViewerOfA, "vm-a1", default)).Value!.Id);
    }

    [Fact]
    public async Task Another_tenants_project_usage_answers_exactly_as_a_missing_projects()
    {
        var other = await queries.GetProjectUsageAsync(ViewerOfA, "pb", Now.AddDays(-1), Now, default);
        var missing = await queries.GetProjectUsageAsync(ViewerOfA, "pz", Now.AddDays(-1), Now, default);
        var own = await queries.GetProjectUsageAsync(ViewerOfA, "pa", Now.AddDays(-1), Now, default);

        Assert.Equal(ErrorKind.NotFound, other.Error!.Kind);
        Assert.Equal(missing.Error!.Message.Replace("pz", "pb", StringComparison.Ordinal), other.Error.Message);
        Assert.Equal("pa", own.Value!.Project.Id);
        Assert.Equal(1, usage.Reads);
    }

    [Fact]
    public async Task A_caller_that_may_read_resources_nowhere_is_forbidden_naming_the_permission()
    {
        var list = await queries.ListAsync(Agent, new ResourceListRequest(), default);
        var get = await queries.GetAsync(Agent, "vm-a1", default);
        var resource = await queries.GetResourceAsync(Agent, "vm-a1", default);

        Assert.Equal((ErrorKind.Forbidden, ErrorKind.Forbidden, ErrorKind.Forbidden), (list.Error!.Kind, get.Error!.Kind, resource.Error!.Kind));
        Assert.Equal(Permission.ResourcesRead.ToName(), list.Error.MissingPermission);
    }

    private static Resource NewResource(string id, string tenantId, string projectId)
    {
        var spec = new ResourceSpec(2, 2048, 20, "debian-12-cloud", [], null);
        return new Resource(id, 0, tenantId, projectId, id, spec, SpecHash.Of(spec), DesiredState.Present, ResourceStatus.Requested, null,
            new PlacementExplanation("edge-001", "Edge 1", "edge", "NG", "host-1", null, null, 1, "test", null, null, []),
            null, 0, Now, Now, Now, null, null, null, null, 0);
    }
}
