using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core.Identity;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Identity.Accounts;
using Sankofa.Server.Tests.Identity.Accounts;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Server.Tests.Resilience;

/// <summary>
/// A chain that loses its last blocks (as an embedded chain killed with its host does): what the store says was recorded
/// is recorded again from the store, for VMs being provisioned under load and for identities.
/// </summary>
public sealed class ChainTailLossTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-tail-loss-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task Vms_whose_chain_records_were_lost_under_load_all_end_verified_in_the_store_and_on_chain()
    {
        await using var anvil = await ExternalAnvil.StartAsync(directory.FullName);
        await using var h = await ProvisioningHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Ledger:RpcUrl"] = anvil.RpcUrl.ToString(),
            ["Ledger:KeyPassword"] = "tail-loss-test-password",
            ["Ledger:RpcTimeout"] = "00:00:02",
            ["Ledger:ConfirmationTimeout"] = "00:00:05",
            ["Provisioning:ChainCheckInterval"] = "00:00:01",
        });
        var project = await h.NewProjectAsync(vcpu: 128, vms: 40);
        var sites = ProvisioningHarness.Sites;
        var early = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            early.Add((await h.CreateAsync(ProvisioningHarness.Vm(project, sites[i % sites.Length], $"early-{i}"))).Id);
        }

        foreach (var id in early)
        {
            await h.WaitForAsync(id, ResourceStatus.Verified);
        }

        var snapshot = (await anvil.CallAsync("evm_snapshot")).GetString()!;
        var late = (await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            h.CreateAsync(ProvisioningHarness.Vm(project, sites[i % sites.Length], $"late-{i}"))))).Select(r => r.Id).ToList();
        // Lose the tail while work is in flight: some late VMs Verified already, others half-way (a count, not a time).
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await CountVerifiedAsync(h, late) < 8)
        {
            Assert.True(DateTime.UtcNow < deadline, "the late VMs were never verified");
            await Task.Delay(50);
        }

        await anvil.CallAsync("evm_revert", snapshot);

        var problems = await WaitVerifiedEverywhereAsync(h, [.. early, .. late], TimeSpan.FromSeconds(180));
        Assert.Empty(problems);
        var all = await Task.WhenAll(early.Concat(late).Select(h.GetAsync));
        Assert.Contains(all, r => r.Events!.Any(e => e.Kind is "chain.restored" or "chain.lost"));
        Assert.All(all, r => Assert.Single(h.VmsOf(r.Placement.SiteId, r.Id)));
    }

    [Fact]
    public async Task Identities_whose_registration_suspension_or_lone_role_change_the_chain_lost_are_recorded_again()
    {
        await using var anvil = await ExternalAnvil.StartAsync(directory.FullName);
        await using var server = await TestServer.StartAsync(Path.Combine(directory.FullName, "server"), new Dictionary<string, string?>(IdentityFixture.FastThrottle)
        {
            ["Ledger:RpcUrl"] = anvil.RpcUrl.ToString(),
            ["Ledger:KeyPassword"] = "tail-loss-test-password",
            ["Ledger:RpcTimeout"] = "00:00:02",
            ["Ledger:ConfirmationTimeout"] = "00:00:05",
            ["Identity:Accounts:ChainCheckInterval"] = "00:00:01",
        });
        var kept = await CreateIdentityAsync(server.Client, "kept");
        var regranted = await CreateIdentityAsync(server.Client, "regranted");
        Assert.Equal("active", (await IdentityPolling.WaitRecordedAsync(server.Client, kept)).OnChain!.Status);
        Assert.Equal("active", (await IdentityPolling.WaitRecordedAsync(server.Client, regranted)).OnChain!.Status);
        var snapshot = (await anvil.CallAsync("evm_snapshot")).GetString()!;
        var registered = await CreateIdentityAsync(server.Client, "registered-late");
        using (var suspend = await server.Client.PostAsync($"api/v1/identities/{kept}/suspend", null))
        {
            Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        }

        // A role grant and a role revocation on their own, the identity's status unchanged.
        using (var grant = await server.Client.PostAsJsonAsync($"api/v1/identities/{regranted}/roles", new { role = "operator", scope = "acme" }))
        {
            Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        }

        await IdentityPolling.WaitRecordedAsync(server.Client, regranted);
        using (var revoke = await server.Client.DeleteAsync($"api/v1/identities/{regranted}/roles?role=viewer&scope=acme"))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        Assert.Equal("active", (await IdentityPolling.WaitRecordedAsync(server.Client, registered)).OnChain!.Status);
        Assert.Equal("suspended", (await IdentityPolling.WaitRecordedAsync(server.Client, kept)).OnChain!.Status);
        await IdentityPolling.WaitRecordedAsync(server.Client, regranted);

        // The chain forgets the late registration, the suspension, the grant and the revocation.
        await anvil.CallAsync("evm_revert", snapshot);

        var ledger = server.Services.GetRequiredService<IIdentityLedger>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var (late, suspended) = (await OnChainStatusAsync(server.Client, registered), await OnChainStatusAsync(server.Client, kept));
            var roles = (await ledger.HasRoleAsync(regranted, "operator", "acme", CancellationToken.None), await ledger.HasRoleAsync(regranted, "viewer", "acme", CancellationToken.None));
            if ((late, suspended, roles) == ("active", "suspended", (true, false)))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"on chain after the loss: {registered} is {late}, {kept} is {suspended}, {regranted} holds (operator, viewer) {roles}");
            await Task.Delay(250);
        }

        Assert.Contains("identity.chain.restored", await IdentityPolling.AuditActionsAsync(server.Client, registered));
        Assert.Contains("identity.chain.restored", await IdentityPolling.AuditActionsAsync(server.Client, regranted));
    }

    private static async Task<string> CreateIdentityAsync(HttpClient client, string userName)
    {
        using var response = await client.PostAsJsonAsync("api/v1/identities/users", new { userName, password = "tail loss test password", roles = new[] { "viewer@acme" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CreatedIdentityResponse>(Json.Options))!.Identity.Id;
    }

    private static async Task<string?> OnChainStatusAsync(HttpClient client, string id) =>
        (await client.GetFromJsonAsync<IdentityResponse>($"api/v1/identities/{id}", Json.Options))!.OnChain?.Status;

    private static async Task<int> CountVerifiedAsync(ProvisioningHarness h, IEnumerable<string> ids) =>
        (await Task.WhenAll(ids.Select(h.GetAsync))).Count(r => r.Status == ResourceStatus.Verified);

    /// <summary>Waits until each resource is Verified in the store and the chain says so too; returns what is not, with its history.</summary>
    private static async Task<List<string>> WaitVerifiedEverywhereAsync(ProvisioningHarness h, IReadOnlyList<string> ids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var problems = new List<string>();
            foreach (var resource in await Task.WhenAll(ids.Select(h.GetAsync)))
            {
                if (resource.Status != ResourceStatus.Verified || resource.OnChain?.Verified != true)
                {
                    problems.Add($"{resource.Id}: {resource.Status}, on chain {(resource.OnChain?.Verified == true ? "verified" : resource.OnChain?.State.ToString() ?? "nothing")}; "
                                 + string.Join(" | ", resource.Events!.TakeLast(4).Select(e => $"{e.Kind}: {e.Message}")));
                }
            }

            if (problems.Count == 0 || DateTime.UtcNow > deadline)
            {
                return problems;
            }

            await Task.Delay(250);
        }
    }
}
