using Sankofa.Core.Access;
using Sankofa.Core.Identity;

namespace Sankofa.Core.Tests.Identity;

/// <summary>Role grants as claims, and the permission matrix with its tenant scoping.</summary>
public sealed class CallerTests
{
    [Theory]
    [InlineData("platform-admin", "platform-admin", null)]
    [InlineData("auditor", "auditor", null)]
    [InlineData("auditor@acme", "auditor", "acme")]
    [InlineData("tenant-admin@acme", "tenant-admin", "acme")]
    [InlineData("site-agent@edge-001", "site-agent", "edge-001")]
    public void Claims_that_name_a_known_role_and_a_fitting_scope_parse(string claim, string role, string? scope)
    {
        Assert.True(RoleGrant.TryParse(claim, out var grant));
        Assert.Equal(new RoleGrant(role, scope), grant);
        Assert.Equal(claim, grant.ToClaim());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("root")]
    [InlineData("viewer")] // tenant roles need their tenant
    [InlineData("operator@")]
    [InlineData("platform-admin@acme")] // platform roles have no scope
    public void Claims_that_do_not_fit_are_refused(string? claim) => Assert.False(RoleGrant.TryParse(claim, out _));

    [Fact]
    public void Tenant_roles_act_only_within_their_tenant_and_never_platform_wide()
    {
        var caller = new Caller("usr-1", "ada", [new RoleGrant(Roles.Operator, "acme"), new RoleGrant(Roles.Viewer, "globex")]);

        Assert.True(caller.Can(Permission.ResourcesWrite, "acme"));
        Assert.False(caller.Can(Permission.ResourcesWrite, "globex"));
        Assert.True(caller.Can(Permission.ResourcesRead, "globex"));
        Assert.False(caller.Can(Permission.ResourcesRead, "initech"));
        Assert.False(caller.Can(Permission.TenantsWrite, null));
        Assert.False(caller.HasAny(Permission.AuditRead));
        Assert.True(caller.Can(Permission.SitesRead, null));
        Assert.Equal(["acme", "globex"], caller.TenantsWith(Permission.ResourcesRead)!.Order());
        Assert.Equal(["acme"], caller.TenantsWith(Permission.ResourcesWrite)!);
    }

    [Fact]
    public void Platform_grants_reach_every_tenant_and_the_audit_log_stays_platform_only()
    {
        var admin = new Caller("usr-2", "root", [new RoleGrant(Roles.PlatformAdmin)]);
        var auditor = new Caller("usr-3", "eve", [new RoleGrant(Roles.Auditor)]);
        var tenantAuditor = new Caller("usr-4", "tom", [new RoleGrant(Roles.Auditor, "acme")]);
        var agent = new Caller("svc-1", "agent", [new RoleGrant(Roles.SiteAgent, "edge-001")]);

        Assert.All(Enum.GetValues<Permission>(), p => Assert.True(admin.Can(p, "any-tenant")));
        Assert.Null(admin.TenantsWith(Permission.ResourcesWrite));
        Assert.True(auditor.Can(Permission.AuditRead, null));
        Assert.False(auditor.HasAny(Permission.ResourcesWrite));
        Assert.True(tenantAuditor.Can(Permission.ResourcesRead, "acme"));
        Assert.False(tenantAuditor.Can(Permission.AuditRead, "acme"));
        Assert.False(agent.Can(Permission.ResourcesRead, "edge-001"));
        Assert.True(agent.HasAny(Permission.SiteAttest));
        Assert.True(agent.Can(Permission.SiteAttest, "edge-001"));
        Assert.False(agent.Can(Permission.SiteAttest, "edge-002"));
        Assert.False(new Caller("usr-5", "op", [new RoleGrant(Roles.Operator, "edge-001")]).Can(Permission.SiteAttest, "edge-001"));
        Assert.Empty(agent.TenantsWith(Permission.ResourcesRead)!);
    }

    [Fact]
    public void Billing_admins_manage_billing_platform_wide_and_billing_viewers_read_their_tenants_only()
    {
        var admin = new Caller("usr-6", "bill", [new RoleGrant(Roles.BillingAdmin)]);
        var viewer = new Caller("usr-7", "cfo", [new RoleGrant(Roles.BillingViewer, "acme")]);

        Assert.True(admin.Can(Permission.BillingWrite, null));
        Assert.True(admin.Can(Permission.BillingRead, "any-tenant"));
        Assert.False(admin.HasAny(Permission.ResourcesWrite));
        Assert.True(viewer.Can(Permission.BillingRead, "acme"));
        Assert.False(viewer.Can(Permission.BillingRead, "globex"));
        Assert.False(viewer.HasAny(Permission.BillingWrite));
        Assert.False(viewer.Can(Permission.ResourcesRead, "acme"));
        Assert.True(RoleGrant.TryParse("billing-admin", out _));
        Assert.False(RoleGrant.TryParse("billing-admin@acme", out _)); // platform-wide only
        Assert.False(RoleGrant.TryParse("billing-viewer", out _)); // within a tenant only
        Assert.True(new Caller("usr-8", "ann", [new RoleGrant(Roles.TenantAdmin, "acme")]).Can(Permission.BillingRead, "acme"));
    }
}
