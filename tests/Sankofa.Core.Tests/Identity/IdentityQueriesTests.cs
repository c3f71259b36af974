using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Tests.Identity.Fakes;

namespace Sankofa.Core.Tests.Identity;

/// <summary>The identity reads over an in-memory store: each caller's visibility and the filters' validation.</summary>
public sealed class IdentityQueriesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly Caller Admin = new("usr-root", "root", [new RoleGrant(Roles.PlatformAdmin)]);
    private static readonly Caller AdminOfA = new("usr-ta", "tina", [new RoleGrant(Roles.TenantAdmin, "a")]);
    private static readonly Caller ViewerOfA = new("usr-v", "vic", [new RoleGrant(Roles.Viewer, "a")]);

    private readonly InMemoryAccountStore store = new();
    private readonly IdentityQueries queries;

    public IdentityQueriesTests()
    {
        queries = new IdentityQueries(store);
        Add("usr-a", "ann", 1, new RoleGrant(Roles.Operator, "a"));
        Add("usr-b", "bob", 2, new RoleGrant(Roles.Operator, "b"));
        Add("usr-ab", "abe", 3, new RoleGrant(Roles.Operator, "a"), new RoleGrant(Roles.Viewer, "b"));
        Add("usr-root", "root", 4, new RoleGrant(Roles.PlatformAdmin));
    }

    [Fact]
    public async Task A_tenant_admin_gets_another_tenants_identity_answered_exactly_as_a_missing_one()
    {
        var other = await queries.GetAsync(AdminOfA, "usr-b", default);
        var missing = await queries.GetAsync(AdminOfA, "usr-nobody", default);

        Assert.Equal(ErrorKind.NotFound, other.Error?.Kind);
        Assert.Equal("There is no identity 'usr-b'.", other.Error!.Message);
        Assert.Equal(["id"], other.Error.Fields.Keys);
        Assert.Equal(missing.Error!.Message.Replace("usr-nobody", "usr-b", StringComparison.Ordinal), other.Error.Message);
    }

    [Fact]
    public async Task A_tenant_admin_sees_neither_a_platform_admin_nor_a_member_who_also_holds_roles_elsewhere()
    {
        Assert.Equal(ErrorKind.NotFound, (await queries.GetAsync(AdminOfA, "usr-root", default)).Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, (await queries.GetAsync(AdminOfA, "usr-ab", default)).Error?.Kind);
        Assert.Equal("usr-a", (await queries.GetAsync(AdminOfA, "usr-a", default)).Value?.Account.Id);
    }

    [Fact]
    public async Task A_platform_admin_gets_any_identity_with_its_chain_steps()
    {
        var result = await queries.GetAsync(Admin, "usr-b", default);

        Assert.Equal("usr-b", result.Value?.Account.Id);
        Assert.Equal(ChainAction.Register, Assert.Single(result.Value!.Steps).Step.Action);
    }

    [Fact]
    public async Task A_tenant_admin_lists_only_members_wholly_within_its_tenant()
    {
        var page = await queries.ListAsync(AdminOfA, new IdentityListRequest(TenantId: "a"), default);

        Assert.Equal(["usr-a"], page.Value!.Items.Select(a => a.Id));
    }

    [Fact]
    public async Task A_tenant_admin_must_name_the_tenant_and_another_tenant_answers_as_a_missing_one()
    {
        var unnamed = await queries.ListAsync(AdminOfA, new IdentityListRequest(), default);
        var other = await queries.ListAsync(AdminOfA, new IdentityListRequest(TenantId: "b"), default);

        Assert.Equal(ErrorKind.Invalid, unnamed.Error?.Kind);
        Assert.Contains("tenantId", unnamed.Error!.Fields.Keys);
        Assert.Equal(ErrorKind.NotFound, other.Error?.Kind);
        Assert.Equal("There is no tenant 'b'.", other.Error!.Message);
    }

    [Fact]
    public async Task A_platform_admin_lists_everyone_newest_first_and_filters_by_tenant()
    {
        var all = await queries.ListAsync(Admin, new IdentityListRequest(), default);
        var ofB = await queries.ListAsync(Admin, new IdentityListRequest(TenantId: "b"), default);

        Assert.Equal(["usr-root", "usr-ab", "usr-b", "usr-a"], all.Value!.Items.Select(a => a.Id));
        Assert.Equal(["usr-ab", "usr-b"], ofB.Value!.Items.Select(a => a.Id));
    }

    [Fact]
    public async Task A_caller_whose_roles_read_identities_nowhere_is_refused_naming_the_permission()
    {
        var list = await queries.ListAsync(ViewerOfA, new IdentityListRequest(TenantId: "a"), default);
        var one = await queries.GetAsync(ViewerOfA, "usr-a", default);

        Assert.Equal(ErrorKind.Forbidden, list.Error?.Kind);
        Assert.Equal("identities.read", list.Error!.MissingPermission);
        Assert.Equal(ErrorKind.Forbidden, one.Error?.Kind);
    }

    [Fact]
    public async Task Bad_filters_are_refused_naming_each_field()
    {
        var result = await queries.ListAsync(Admin, new IdentityListRequest("robot", "asleep", "", 0, 1001), default);

        Assert.Equal(ErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal(["before", "kind", "limit", "status", "tenantId"], result.Error!.Fields.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_caller_reads_its_own_account_whatever_its_roles()
    {
        Add("usr-v", "vic", 5, new RoleGrant(Roles.Viewer, "a"));

        Assert.Equal("usr-v", (await queries.GetOwnAsync(ViewerOfA, default))?.Id);
    }

    private void Add(string id, string name, int minute, params RoleGrant[] roles) =>
        store.CreateAsync(
            new StoredAccount(id, AccountKind.User, name, "hash", false, IdentityStatus.Active, "0x0", null, roles,
                Now.AddMinutes(minute), Now.AddMinutes(minute), 1, AccountChainState.New),
            [new ChainStep(ChainAction.Register)], new AuditEvent("test", "identity.created", id, "{}"), default).GetAwaiter().GetResult();
}
