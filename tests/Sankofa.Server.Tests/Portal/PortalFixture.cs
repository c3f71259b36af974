using System.Net;
using System.Net.Http.Json;
using Sankofa.Server.Tests.Identity;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Server.Tests.Portal;

/// <summary>
/// A real server with the emulated edge (three sites), two tenants with a project each, and people to sign in as: a
/// platform administrator, a viewer and a tenant administrator of tenant A and an operator of tenant B, each with a
/// password and active on chain, and viewers of tenant A for the tests that change an identity. Billing, metering of
/// availability and billing runs are left to the billing test's clock (<see cref="Billing.InvoiceSeed"/>).
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public const string Password = "portal test passphrase";

    public ProvisioningHarness Harness { get; private set; } = null!;

    public string TenantA { get; } = "pa-" + Guid.NewGuid().ToString("N")[..6];

    public string TenantB { get; } = "pb-" + Guid.NewGuid().ToString("N")[..6];

    public string ProjectA => TenantA + "-web";

    public string ProjectB => TenantB + "-web";

    public string Administrator { get; private set; } = null!;

    public string ViewerOfA { get; private set; } = null!;

    public string OperatorOfB { get; private set; } = null!;

    public string TenantAdminOfA { get; private set; } = null!;

    /// <summary>A viewer of tenant A whose roles a test changes from the Identity page.</summary>
    public (string Id, string UserName) ToGrant { get; private set; }

    /// <summary>A viewer of tenant A that a test suspends while it is signed in.</summary>
    public (string Id, string UserName) ToSuspend { get; private set; }

    public async Task InitializeAsync()
    {
        Harness = await ProvisioningHarness.StartAsync(Billing.InvoiceSeed.Settings); // the billing test drives billing with its clock
        foreach (var (tenant, project) in new[] { (TenantA, ProjectA), (TenantB, ProjectB) })
        {
            var quota = new { vcpu = 64, ramMiB = 262144, diskGiB = 4096, vms = 20 };
            using (var created = await Harness.Client.PostAsJsonAsync("api/v1/tenants", new { id = tenant, name = "Tenant " + tenant, quota }))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            using var projectCreated = await Harness.Client.PostAsJsonAsync($"api/v1/tenants/{tenant}/projects", new { id = project, name = "Web " + tenant, quota });
            Assert.Equal(HttpStatusCode.Created, projectCreated.StatusCode);
        }

        Administrator = (await TestIdentities.UserAsync(Harness.Server, "platform-admin", Password)).UserName;
        ViewerOfA = (await TestIdentities.UserAsync(Harness.Server, "viewer@" + TenantA, Password)).UserName;
        OperatorOfB = (await TestIdentities.UserAsync(Harness.Server, "operator@" + TenantB, Password)).UserName;
        TenantAdminOfA = (await TestIdentities.UserAsync(Harness.Server, "tenant-admin@" + TenantA, Password)).UserName;
        ToGrant = await TestIdentities.UserAsync(Harness.Server, "viewer@" + TenantA, Password);
        ToSuspend = await TestIdentities.UserAsync(Harness.Server, "viewer@" + TenantA, Password);
    }

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
