using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sankofa.Agent.Protocol;
using Sankofa.Agent.Registration;
using Sankofa.Core.Agents;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;
using Sankofa.Data.Replicas;
using Sankofa.Server.AgentLink;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;
using Sankofa.Server.Topology;

namespace Sankofa.Server.Tests.AgentLink;

/// <summary>A provisioning harness whose agents fall silent after three seconds.</summary>
public sealed class SiteInventoryFixture : IAsyncLifetime
{
    public ProvisioningHarness Harness { get; private set; } = null!;

    public async Task InitializeAsync() => Harness = await ProvisioningHarness.StartAsync(new Dictionary<string, string?>
    {
        ["AgentLink:HeartbeatInterval"] = "00:00:01",
        ["AgentLink:SilentAfter"] = "00:00:03",
    });

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}

/// <summary>
/// What a site's agent reports, through the real server's inventory (as the link calls it): the site's health comes
/// from the reports and no longer from probing it, placement follows, a silent agent's site is down, and the report's
/// VMs are compared with the store once per drift.
/// </summary>
public sealed class SiteInventoryTests(SiteInventoryFixture fixture) : IClassFixture<SiteInventoryFixture>, IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("sankofa-inventory-").FullName;

    private ProvisioningHarness H => fixture.Harness;

    private SiteInventory Inventory => H.Server.Services.GetRequiredService<SiteInventory>();

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task A_reporting_site_takes_its_health_from_its_agent_not_a_probe_and_once_the_agent_is_silent_it_is_down_and_gets_no_new_vms()
    {
        var site = SiteCatalog.Default.Get("edge-003");
        await ApproveAgentAsync(site.Id);
        H.Emulator.Cluster(site.Id).Reachable = false; // the control plane cannot reach the site: only its agent can

        await Inventory.ReceiveAsync(site.Id, Report(site, DateTimeOffset.UtcNow), CancellationToken.None);
        var reported = await SiteAsync(site.Id);
        Assert.Equal((SiteStatus.Up, "agent"), (reported.Status, reported.StatusSource));
        Assert.All(reported.Hosts!, h => Assert.Equal((SiteStatus.Up, 32), (h.Status, h.Cores)));
        Assert.Equal(site.Id, (await ExplainNearAsync(site)).SiteId);

        var silent = await Eventually.UntilAsync(() => SiteAsync(site.Id), s => s.Status == SiteStatus.Down);
        Assert.Equal((SiteStatus.Down, "agent"), (silent.Status, silent.StatusSource));
        Assert.StartsWith("The site's agent has been silent since ", silent.ProbeError, StringComparison.Ordinal);
        var moved = await ExplainNearAsync(site);
        Assert.NotEqual(site.Id, moved.SiteId);
        Assert.Contains(site.Id, moved.Reason + string.Join(' ', moved.Rejected.Select(r => r.SiteId)), StringComparison.Ordinal);

        // The agent is back: so is the site, though the control plane still cannot reach it.
        await Inventory.ReceiveAsync(site.Id, Report(site, DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.Equal(SiteStatus.Up, (await SiteAsync(site.Id)).Status);
        H.Emulator.Cluster(site.Id).Reachable = true;
    }

    [Fact]
    public async Task A_verified_vm_missing_from_the_report_and_a_vm_the_store_does_not_know_are_recorded_once_and_shown_in_the_sites_inventory()
    {
        var site = SiteCatalog.Default.Get("edge-001");
        var project = await H.NewProjectAsync();
        var verified = await H.WaitForAsync((await H.CreateAsync(ProvisioningHarness.Vm(project, site.Id, "drifting"))).Id, ResourceStatus.Verified);
        // No approval: the site's key is the direct mode's since its VM was attested; a report from its agent's link is enough here.
        var taken = DateTimeOffset.UtcNow;
        var stranger = new VmReport { ResourceId = "vm-nobody-knows", Node = site.Hosts[0].Id, VmId = 4242, Status = "running", Name = "stranger" };
        var unmarked = new VmReport { ResourceId = "", Node = site.Hosts[0].Id, VmId = 4243, Status = "running", Name = "not ours" };

        await Inventory.ReceiveAsync(site.Id, Report(site, taken, stranger, unmarked), CancellationToken.None);
        await Inventory.ReceiveAsync(site.Id, Report(site, taken.AddSeconds(1), stranger, unmarked), CancellationToken.None);
        await Inventory.ReceiveAsync(site.Id, Report(site, taken.AddSeconds(-30)), CancellationToken.None); // an old one sent again: ignored

        var resource = await H.GetAsync(verified.Id);
        Assert.Equal(ResourceStatus.Verified, resource.Status);
        var vanished = Assert.Single(resource.Events!, e => e.Kind == "vm.vanished");
        Assert.Contains("no longer reports the VM", vanished.Message, StringComparison.Ordinal);
        var audit = H.Server.Services.GetRequiredService<IAuditStore>();
        var unknown = await audit.ListEntriesAsync(new AuditQuery(Action: "site.drift.unknown-vm", Subject: "site:" + site.Id), CancellationToken.None);
        Assert.Contains("\"resourceId\":\"vm-nobody-knows\"", Assert.Single(unknown.Items).Payload, StringComparison.Ordinal);
        var gone = await audit.ListEntriesAsync(new AuditQuery(Action: "site.drift.vm-vanished", Subject: "resource:" + verified.Id), CancellationToken.None);
        Assert.Equal("site-agent:" + site.Id, Assert.Single(gone.Items).Actor);

        var inventory = await H.Client.GetFromJsonAsync<SiteInventoryResponse>($"api/v1/sites/{site.Id}/inventory", Json.Options);
        Assert.Equal(taken.AddSeconds(1).ToUnixTimeMilliseconds(), inventory!.TakenAt.ToUnixTimeMilliseconds());
        Assert.True(inventory.HypervisorReachable);
        Assert.Equal(site.Hosts.Select(h => h.Id), inventory.Nodes.Select(n => n.Name));
        Assert.Equal(["vm-nobody-knows"], inventory.Vms.Select(v => v.ResourceId));
        Assert.True(inventory.Drift.Checked);
        Assert.Equal([verified.Id], inventory.Drift.Vanished.Select(v => v.ResourceId));
        Assert.Equal(("vm-nobody-knows", "no such resource"), (Assert.Single(inventory.Drift.Unknown).Vm.ResourceId, inventory.Drift.Unknown[0].Reason));
    }

    [Fact]
    public async Task A_site_whose_agent_sent_nothing_has_no_inventory_and_only_platform_roles_may_read_one()
    {
        using var none = await H.Client.GetAsync("api/v1/sites/edge-002/inventory");
        var problem = await none.Content.ReadFromJsonAsync<ProblemDetails>(Json.Options);
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Contains("has no inventory", problem!.Detail, StringComparison.Ordinal);

        using var missing = await H.Client.GetAsync("api/v1/sites/nowhere-999/inventory");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var anonymous = await H.Server.Anonymous.GetAsync("api/v1/sites/edge-001/inventory");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var tenant = "inv-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await H.Client.PostAsJsonAsync("api/v1/tenants", new { id = tenant, name = "Inventory", quota = new { vcpu = 1, ramMiB = 1024, diskGiB = 10, vms = 1 } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var (_, tenantAdmin) = await ServiceAccounts.CreateAsync(H.Client, "tenant-admin@" + tenant);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/sites/edge-001/inventory");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tenantAdmin);
        using var byTenant = await H.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, byTenant.StatusCode);
        Assert.Contains("agents.read", await byTenant.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_site_in_agent_mode_whose_agent_has_been_silent_longer_than_SilentAfter_is_down_by_a_clock_the_test_controls()
    {
        var site = SiteCatalog.Default.Get("edge-002"); // never approved here: only this instance's own view of it
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var services = H.Server.Services;
        var inventory = new SiteInventory(
            services.GetRequiredService<IAgentStore>(), services.GetRequiredService<InventoryDrift>(), new InProcessReplicaSignals(NullLogger<InProcessReplicaSignals>.Instance),
            Options.Create(new AgentLinkOptions { SilentAfter = TimeSpan.FromSeconds(90) }), clock, NullLogger<SiteInventory>.Instance);
        Assert.False(inventory.Reports(site.Id, out _)); // direct mode until its agent reports or is approved

        await inventory.ReceiveAsync(site.Id, Report(site, clock.GetUtcNow()), CancellationToken.None);
        var heardAt = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromSeconds(90));
        Assert.True(inventory.Reports(site.Id, out var stillUp));
        Assert.Equal(SiteStatus.Up, stillUp!.Status);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(inventory.Reports(site.Id, out var down));
        Assert.True(inventory.Reports(site.Id, out var again));
        Assert.Equal(SiteStatus.Down, down!.Status);
        Assert.Equal($"The site's agent has been silent since {heardAt:O}.", down.Error);
        Assert.Same(down, again); // the same observation until something changes: placement applies it once
        Assert.Equal(SiteStatus.Down, inventory.Latest(site.Id)!.Observation.Status);
    }

    [Fact]
    public async Task A_report_sent_again_after_a_later_one_is_ignored_and_an_agent_clock_that_ran_ahead_does_not_hide_the_reports_after_it()
    {
        var site = SiteCatalog.Default.Get("edge-002");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var start = clock.GetUtcNow();
        var services = H.Server.Services;
        var inventory = new SiteInventory(
            services.GetRequiredService<IAgentStore>(), services.GetRequiredService<InventoryDrift>(), new InProcessReplicaSignals(NullLogger<InProcessReplicaSignals>.Instance),
            Options.Create(new AgentLinkOptions()), clock, NullLogger<SiteInventory>.Instance);

        await inventory.ReceiveAsync(site.Id, Report(site, start.AddHours(1)), CancellationToken.None); // the agent's clock an hour ahead
        clock.Advance(TimeSpan.FromSeconds(10));
        await inventory.ReceiveAsync(site.Id, Report(site, start.AddSeconds(10)), CancellationToken.None); // put right
        await inventory.ReceiveAsync(site.Id, Report(site, start.AddSeconds(5)), CancellationToken.None); // an older one sent again

        var latest = inventory.Latest(site.Id)!;
        Assert.Equal(start.AddSeconds(10).ToUnixTimeMilliseconds(), latest.Report.TakenAt.ToUnixTimeMilliseconds());
        Assert.Equal(SiteStatus.Up, latest.Observation.Status);
    }

    [Fact]
    public async Task Callers_asking_about_a_site_at_once_share_one_registry_read_and_an_expired_direct_answer_stands_while_one_caller_reads_again()
    {
        var site = SiteCatalog.Default.Get("edge-004");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var services = H.Server.Services;
        var registry = new HeldRegistry(services.GetRequiredService<IAgentStore>());
        var inventory = new SiteInventory(
            registry, services.GetRequiredService<InventoryDrift>(), new InProcessReplicaSignals(NullLogger<InProcessReplicaSignals>.Instance),
            Options.Create(new AgentLinkOptions()), clock, NullLogger<SiteInventory>.Instance);

        // Never asked about: every caller waits for the one read, held until all of them asked.
        var first = Enumerable.Range(0, 20).Select(_ => inventory.IsAgentSiteAsync(site.Id, CancellationToken.None).AsTask()).ToList();
        Assert.All(first, t => Assert.False(t.IsCompleted));
        registry.Release();
        Assert.All(await Task.WhenAll(first), Assert.False);
        Assert.Equal(1, registry.Reads);

        // Within DirectSiteAge the answer stands without a read.
        Assert.False(await inventory.IsAgentSiteAsync(site.Id, CancellationToken.None));
        Assert.Equal(1, registry.Reads);

        // An agent approved meanwhile; once the answer expired, one caller reads again (held) and the others keep the
        // direct answer until that read is done, then the site is in agent mode for all.
        await ApproveAgentAsync(site.Id);
        clock.Advance(SiteInventory.DirectSiteAge);
        registry.Hold();
        var reading = inventory.IsAgentSiteAsync(site.Id, CancellationToken.None).AsTask();
        Assert.False(reading.IsCompleted);
        var others = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => inventory.IsAgentSiteAsync(site.Id, CancellationToken.None).AsTask()));
        Assert.All(others, Assert.False);
        registry.Release();
        Assert.True(await reading);
        Assert.True(await inventory.IsAgentSiteAsync(site.Id, CancellationToken.None));
        Assert.Equal(2, registry.Reads);
    }

    /// <summary>What an agent sends: every catalog host of the site online, and the given VMs.</summary>
    private static Inventory Report(Site site, DateTimeOffset takenAt, params VmReport[] vms)
    {
        var report = new Inventory { TakenAtUnixMs = takenAt.ToUnixTimeMilliseconds(), HypervisorReachable = true };
        report.Nodes.AddRange(site.Hosts.Select(h => new NodeReport
        {
            Name = h.Id, Online = true, Cpus = 32, CpuLoad = 0.25, MemoryBytes = 256L << 30, MemoryUsedBytes = 32L << 30, DiskBytes = 4L << 40, DiskUsedBytes = 1L << 40,
        }));
        report.Vms.AddRange(vms);
        return report;
    }

    /// <summary>Registers and approves an agent key for the site, as its operator and an administrator do.</summary>
    private async Task ApproveAgentAsync(string site)
    {
        var registration = await AgentInit.RunAsync(
            site, Path.Combine(root, Guid.NewGuid().ToString("N")), ct => ChainBinding.ReadAsync(H.Server.Anonymous, ct), TimeProvider.System, CancellationToken.None);
        using (var registered = await H.Client.PostAsync(
            $"api/v1/sites/{site}/agents", new StringContent(JsonSerializer.Serialize(registration, RegistrationRequest.Json), Encoding.UTF8, "application/json")))
        {
            Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        }

        using var approved = await H.Client.PostAsync($"api/v1/sites/{site}/agents/{registration.Address}/approve", null);
        Assert.True(approved.StatusCode == HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        await Inventory.RefreshAsync(CancellationToken.None);
    }

    private async Task<SiteResponse> SiteAsync(string id) => (await H.Client.GetFromJsonAsync<SiteResponse>($"api/v1/sites/{id}", Json.Options))!;

    private async Task<PlacementExplanation> ExplainNearAsync(Site site)
    {
        using var response = await H.Client.PostAsJsonAsync("api/v1/placements", new
        {
            vcpu = 1, ramMiB = 1024, diskGiB = 10, template = "debian-12-cloud", tier = "edge",
            userLocation = new { latitude = site.Location.Latitude, longitude = site.Location.Longitude },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PlacementExplanation>(Json.Options))!;
    }
}

/// <summary>The real agent registry, counting its reads of one site's agents and holding each until released.</summary>
internal sealed class HeldRegistry(IAgentStore store) : IAgentStore
{
    private TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int reads;

    public int Reads => Volatile.Read(ref reads);

    public void Hold() => gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => gate.TrySetResult();

    public async Task<IReadOnlyList<SiteAgent>> ListAsync(string? siteId, long? after, int take, CancellationToken cancellationToken)
    {
        if (siteId is not null)
        {
            Interlocked.Increment(ref reads);
            await gate.Task.WaitAsync(cancellationToken);
        }

        return await store.ListAsync(siteId, after, take, cancellationToken);
    }

    public Task<SiteAgent> AddAsync(SiteAgent agent, AuditEvent audit, CancellationToken cancellationToken) => store.AddAsync(agent, audit, cancellationToken);

    public Task<SiteAgent?> GetAsync(string siteId, string address, CancellationToken cancellationToken) => store.GetAsync(siteId, address, cancellationToken);

    public Task<SiteAgent> ApproveAsync(string siteId, string address, string approvedBy, DateTimeOffset approvedAt, LedgerReceipt receipt, AuditEvent audit, CancellationToken cancellationToken) =>
        store.ApproveAsync(siteId, address, approvedBy, approvedAt, receipt, audit, cancellationToken);

    public Task<SiteAgent> RotateAsync(string siteId, string newAddress, string oldAddress, string approvedBy, DateTimeOffset approvedAt, LedgerReceipt receipt, AuditEvent audit,
        CancellationToken cancellationToken) => store.RotateAsync(siteId, newAddress, oldAddress, approvedBy, approvedAt, receipt, audit, cancellationToken);

    public Task<SiteAgent> RevokeAsync(string siteId, string address, string revokedBy, DateTimeOffset revokedAt, LedgerReceipt? receipt, AuditEvent audit,
        CancellationToken cancellationToken) => store.RevokeAsync(siteId, address, revokedBy, revokedAt, receipt, audit, cancellationToken);

    public Task<bool> SeenAsync(string siteId, string address, DateTimeOffset at, CancellationToken cancellationToken) => store.SeenAsync(siteId, address, at, cancellationToken);
}
