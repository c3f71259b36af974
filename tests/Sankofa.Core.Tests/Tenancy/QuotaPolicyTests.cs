using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Tenancy;

public class QuotaPolicyTests
{
    private static readonly Tenant Acme = new("t-acme", "Acme", new ResourceTotals(64, 262144, 4096, 20), new ResourceTotals(40, 65536, 1000, 10));
    private static readonly Project Web = new("p-web", "t-acme", "web", new ResourceTotals(16, 65536, 1000, 5), new ResourceTotals(14, 16384, 200, 2));
    private static readonly ComputeResources Small = new(2, 4096, 50);

    [Fact]
    public void A_request_within_every_quota_is_granted_and_counted_in_project_and_tenant()
    {
        var decision = QuotaPolicy.ReserveVms(Acme, Web, Small);

        Assert.True(decision.IsGranted);
        Assert.Equal(new ResourceTotals(16, 20480, 250, 3), decision.Project.Usage);
        Assert.Equal(new ResourceTotals(42, 69632, 1050, 11), decision.Tenant.Usage);
    }

    [Fact]
    public void A_request_over_the_project_vcpu_quota_is_refused_naming_the_quota_and_what_is_left()
    {
        var decision = QuotaPolicy.ReserveVms(Acme, Web, new ComputeResources(4, 4096, 50));

        Assert.False(decision.IsGranted);
        var refusal = Assert.Single(decision.Refusals);
        Assert.Equal((QuotaScope.Project, "p-web", "vcpu", 4L, 16L, 14L, 2L), (refusal.Scope, refusal.ScopeId, refusal.Quota, refusal.Requested, refusal.Limit, refusal.Used, refusal.Remaining));
        Assert.Equal("project p-web quota vcpu exceeded: requested 4, 2 of 16 left", refusal.Message);
        Assert.Same(Web, decision.Project);
    }

    [Fact]
    public void The_tenant_quota_binds_even_when_the_project_has_room()
    {
        var tenant = Acme with { Usage = new ResourceTotals(40, 65536, 1000, 20) };

        var refusal = Assert.Single(QuotaPolicy.ReserveVms(tenant, Web, Small).Refusals);

        Assert.Equal((QuotaScope.Tenant, "vms", 0L), (refusal.Scope, refusal.Quota, refusal.Remaining));
        Assert.Equal("tenant t-acme quota vms exceeded: requested 1, 0 of 20 left", refusal.Message);
    }

    [Fact]
    public void Every_exceeded_quota_is_listed_project_first()
    {
        var refusals = QuotaPolicy.ReserveVms(Acme, Web, new ComputeResources(30, 300000, 4000), 1).Refusals;

        Assert.Equal(
            [(QuotaScope.Project, "vcpu"), (QuotaScope.Project, "ramMiB"), (QuotaScope.Project, "diskGiB"), (QuotaScope.Tenant, "vcpu"), (QuotaScope.Tenant, "ramMiB"), (QuotaScope.Tenant, "diskGiB")],
            refusals.Select(r => (r.Scope, r.Quota)));
    }

    [Fact]
    public void Several_vms_count_each()
    {
        var refusal = Assert.Single(QuotaPolicy.ReserveVms(Acme, Web with { Usage = default }, new ComputeResources(1, 1024, 10), 6).Refusals);

        Assert.Equal(("vms", 6L, 5L), (refusal.Quota, refusal.Requested, refusal.Remaining));
    }

    [Fact]
    public void Releasing_gives_usage_back_and_never_below_zero()
    {
        var (tenant, project) = QuotaPolicy.Release(Acme, Web, ResourceTotals.ForVms(Small));
        Assert.Equal(new ResourceTotals(12, 12288, 150, 1), project.Usage);
        Assert.Equal(new ResourceTotals(38, 61440, 950, 9), tenant.Usage);

        Assert.Throws<InvalidOperationException>(() => QuotaPolicy.Release(Acme, Web, ResourceTotals.ForVms(Small, 3)));
    }

    [Fact]
    public void A_project_of_another_tenant_is_a_programming_error()
    {
        Assert.Throws<ArgumentException>(() => QuotaPolicy.ReserveVms(Acme, Web with { TenantId = "t-other" }, Small));
    }

    [Fact]
    public void Negative_quota_amounts_are_named()
    {
        Assert.Equal(["vcpu", "vms"], new ResourceTotals(-1, 0, 0, -2).Problems().Keys.Order(StringComparer.Ordinal));
    }
}
