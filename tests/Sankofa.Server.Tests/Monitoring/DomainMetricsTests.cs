using System.Net;
using System.Text.Json;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Tests.Identity.Oidc;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Server.Tests.Monitoring;

/// <summary>
/// The domain metrics move with what really happens on a real server (store, embedded chain, Proxmox VE emulator):
/// provisioning a VM shows in the resource counts, the provisioning and reconcile histograms and the Proxmox call
/// counter; the chain's head in the chain gauges; a wrong password in the sign-in counter. prometheus-net's registry is
/// process-wide, so these tests run alone (no other test's server sets the same gauges meanwhile).
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class DomainMetricsTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["Monitoring:CountInterval"] = "00:00:00.200",
        ["Monitoring:ChainProbeInterval"] = "00:00:00.200",
    };

    private ProvisioningHarness harness = null!;

    public async Task InitializeAsync() => harness = await ProvisioningHarness.StartAsync(Fast);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Provisioning_a_vm_shows_in_the_resource_counts_the_durations_and_the_proxmox_calls()
    {
        var before = await MetricsScrape.ReadAsync(harness.Server);
        var project = await harness.NewProjectAsync();
        var created = await harness.CreateAsync(ProvisioningHarness.Vm(project, "edge-002"));
        await harness.WaitForAsync(created.Id, ResourceStatus.Verified);

        var after = await Eventually.UntilAsync(
            () => MetricsScrape.ReadAsync(harness.Server), s => s.Value("sankofa_resources", ("status", "verified"), ("tier", "edge")) == 1);

        Assert.Equal(1, after.Value("sankofa_resources", ("status", "verified"), ("tier", "edge")));
        Assert.Equal(1, after.Value("sankofa_resources")); // nothing else in this store, in any status or tier
        Assert.Equal(0, after.Value("sankofa_resources", ("tier", "core")));
        Assert.Equal(1, Delta(before, after, "sankofa_provisioning_duration_seconds_count", ("outcome", "verified")));
        Assert.True(after.Value("sankofa_provisioning_duration_seconds_sum", ("outcome", "verified")) > 0);
        Assert.True(Delta(before, after, "sankofa_reconcile_duration_seconds_count", ("status", "requested")) >= 1);
        // The clone and the start are POSTs, the task polls GETs; the emulator answers them all.
        Assert.True(Delta(before, after, "sankofa_proxmox_calls_total", ("method", "POST"), ("outcome", "success")) >= 2);
        Assert.True(Delta(before, after, "sankofa_proxmox_calls_total", ("method", "GET"), ("outcome", "success")) >= 1);
        Assert.Equal(0, after.Value("sankofa_reconciler_due_resources"));

        // The three emulated edge sites are probed and up; the rest of the catalog keeps its own status.
        Assert.Equal(ProvisioningHarness.Sites.Length, after.Value("sankofa_sites", ("tier", "edge"), ("status", "up"), ("source", "probe")));
        Assert.Equal(0, after.Value("sankofa_sites", ("source", "agent")));
        Assert.Equal(0, after.Value("sankofa_agents_connected"));
    }

    [Fact]
    public async Task Stopping_a_site_shows_it_down_and_its_calls_unreachable()
    {
        var before = await MetricsScrape.ReadAsync(harness.Server);
        await harness.Emulator.DisposeAsync();

        var after = await Eventually.UntilAsync(
            () => MetricsScrape.ReadAsync(harness.Server), s => s.Value("sankofa_sites", ("tier", "edge"), ("status", "down"), ("source", "probe")) == 3);

        Assert.Equal(ProvisioningHarness.Sites.Length, after.Value("sankofa_sites", ("tier", "edge"), ("status", "down"), ("source", "probe")));
        Assert.Equal(0, after.Value("sankofa_sites", ("tier", "edge"), ("status", "up"), ("source", "probe")));
        Assert.True(Delta(before, after, "sankofa_proxmox_calls_total", ("outcome", "unreachable")) >= ProvisioningHarness.Sites.Length);
    }

    [Fact]
    public async Task The_chain_gauges_follow_the_chains_head()
    {
        var head = (await harness.Server.CallChainAsync("eth_blockNumber")).GetString()!;
        var number = Convert.ToInt64(head, 16);

        var scrape = await Eventually.UntilAsync(
            () => MetricsScrape.ReadAsync(harness.Server), s => s.Value("sankofa_chain_head_block") >= number);

        Assert.Equal(1, scrape.Value("sankofa_chain_up"));
        Assert.True(scrape.Value("sankofa_chain_head_block") >= number, scrape.Value("sankofa_chain_head_block") + " < " + number);
        Assert.True(scrape.Value("sankofa_chain_head_age_seconds") >= 0);
        // Exported; not necessarily 0: the harness's earlier VMs may still have transactions in flight (failed so in CI).
        Assert.True(scrape.Value("sankofa_ledger_transactions_pending") >= 0);

        // A mined block moves the head the gauges show.
        await harness.Server.CallChainAsync("evm_mine");
        var moved = await Eventually.UntilAsync(
            () => MetricsScrape.ReadAsync(harness.Server), s => s.Value("sankofa_chain_head_block") > scrape.Value("sankofa_chain_head_block"));
        Assert.True(moved.Value("sankofa_chain_head_block") > scrape.Value("sankofa_chain_head_block"));
    }

    [Fact]
    public async Task A_wrong_password_counts_as_a_failed_sign_in()
    {
        var before = await MetricsScrape.ReadAsync(harness.Server);
        var flows = new OidcFlows(harness.Server.Address);

        using var wrong = await flows.SignInAsync("/connect/signed-in", "nobody-" + Guid.NewGuid().ToString("N")[..8], "not the password");

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var after = await MetricsScrape.ReadAsync(harness.Server);
        Assert.Equal(1, Delta(before, after, "sankofa_sign_ins_total", ("outcome", "invalid_credentials")));
        Assert.Equal(0, Delta(before, after, "sankofa_sign_ins_total", ("outcome", "succeeded")));

        // The harness's own accounts may still have chain steps in flight right after its start (2 were, in a loaded CI
        // run); they drain, and a failed sign-in leaves none behind.
        var drained = await Eventually.UntilAsync(
            () => MetricsScrape.ReadAsync(harness.Server), s => s.Value("sankofa_identity_chain_pending_steps") == 0, TimeSpan.FromMinutes(1));
        Assert.Equal(0, drained.Value("sankofa_identity_chain_pending_steps") ?? -1, 0);
    }

    private static double Delta(MetricsScrape before, MetricsScrape after, string name, params (string, string)[] labels) =>
        (after.Value(name, labels) ?? 0) - (before.Value(name, labels) ?? 0);
}

/// <summary>Tests that read values of prometheus-net's process-wide registry: run after the others, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "metrics";
}
