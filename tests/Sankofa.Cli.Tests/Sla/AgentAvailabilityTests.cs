using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sankofa.Cli.Tests.Agents;
using Sankofa.Core.Agents;
using Sankofa.Core.Audit;
using Sankofa.Core.Billing;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;
using Sankofa.Server.AgentLink;
using Sankofa.Server.Sla;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Cli.Tests.Sla;

/// <summary>
/// Availability measured end to end in agent mode (docs/billing.md, "How availability is measured"): the site's own
/// `sankofa agent run` process reports its VMs' states from the Proxmox emulator, probe rounds by a clock the test
/// controls measure them from the agent's latest report, and a silent agent's VMs count as down. The complete hours are
/// sealed into the audit log one entry per tenant and hour, and the SLA report shows what was measured.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AgentAvailabilityTests : IAsyncLifetime
{
    private const string Site = "edge-001";

    // Several of the agent's report intervals (1 s), so a busy machine does not make the agent look silent before it is stopped.
    private static readonly TimeSpan SilentAfter = TimeSpan.FromSeconds(10);

    private ProvisioningHarness h = null!;
    private SiteAgentSetup? agentSite;

    public async Task InitializeAsync()
    {
        h = await ProvisioningHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Sla:ProbeInterval"] = "01:00:00", // the server's own rounds stay out of the way: the test drives them
            ["AgentLink:Url"] = "http://127.0.0.1:0",
            ["AgentLink:HeartbeatInterval"] = "00:00:01",
            ["AgentLink:SilentAfter"] = SilentAfter.ToString(),
        });
        await CliConfig.SignInAsAdministratorAsync(h.Server.Address);
    }

    public async Task DisposeAsync()
    {
        await h.DisposeAsync();
        agentSite?.Dispose();
    }

    [Fact]
    public async Task A_vm_stopped_at_an_agent_site_is_measured_down_from_the_agents_reports_and_all_its_vms_are_down_once_the_agent_is_silent()
    {
        var services = h.Server.Services;
        var reports = services.GetRequiredService<ISiteReports>();
        agentSite = await SiteAgentSetup.BringUpAsync(h, Site, reportInterval: TimeSpan.FromSeconds(1));
        var link = new Uri((await h.Server.Anonymous.GetFromJsonAsync<JsonElement>("api/v1/agent-link")).GetProperty("url").GetString()!);
        var agent = agentSite.Start(link);
        try
        {
            await agent.UntilAsync(() => services.GetRequiredService<ConnectedAgents>().Find(Site) is not null, "the agent never linked");
            var project = await h.NewProjectAsync();
            var accepted = await h.CreateAsync(ProvisioningHarness.Vm(project, Site, "sla-agent"));
            var verified = await h.WaitForAsync(accepted.Id, ResourceStatus.Verified, TimeSpan.FromSeconds(120));
            Assert.Contains(verified.Events!, e => e.Kind == "agent.dispatched"); // built by the site's agent, not the control plane
            var vm = new VirtualMachineRef(verified.Vm!.Node, verified.Vm.VmId);
            var hypervisor = services.GetRequiredService<IVirtualMachineProviderFactory>().Get(Site); // the emulator's Proxmox API

            // The probe sees only the agent's latest report: wait for one that shows the VM so.
            async Task ReportedAsync(string status) => await agent.UntilAsync(
                () => reports.Latest(Site)?.Report.Vms.Any(v => v.ResourceId == accepted.Id && v.Status == status) == true,
                $"no report from the agent showed {accepted.Id} {status}");

            await ReportedAsync("running");
            var health = services.GetRequiredService<IReportedSiteHealth>();
            Assert.True(health.Reports(Site, out _), "the site is not in agent mode: the probe would ask its hypervisor");
            var start = DateTimeOffset.FromUnixTimeSeconds(verified.VerifiedAt!.Value.ToUnixTimeSeconds());
            var clock = new FakeTimeProvider(start.AddMinutes(10));
            var probe = new AvailabilityProbe(services.GetRequiredService<IAvailabilityStore>(), services.GetRequiredService<IVirtualMachineProviderFactory>(),
                new SlaOptions(), clock, health, reports);
            var first = await probe.ProbeAsync(CancellationToken.None);
            Assert.Equal((1, 0), (first.Measured, first.Unreachable.Count)); // up, from the agent's report

            // Stopped at the site between the probes at +10 and +15 min, started again between +35 and +40: the outage is
            // measured from the first probe that sees it in a report to the first that sees the VM running again, so to within
            // one probe interval of the time it was stopped.
            await hypervisor.StopAsync(vm);
            await ReportedAsync("stopped");
            clock.Advance(TimeSpan.FromMinutes(5));
            await probe.ProbeAsync(CancellationToken.None); // down from +15 min
            clock.Advance(TimeSpan.FromMinutes(20));
            await probe.ProbeAsync(CancellationToken.None); // still down
            await hypervisor.StartAsync(vm);
            await ReportedAsync("running");
            clock.Advance(TimeSpan.FromMinutes(5));
            await probe.ProbeAsync(CancellationToken.None); // up again at +40 min
            var store = services.GetRequiredService<IAvailabilityStore>();
            var stopped = Assert.Single(await store.GetTenantAvailabilityAsync(verified.TenantId, start.AddHours(-1), start.AddHours(2), CancellationToken.None));
            Assert.Equal((40L * 60, 25L * 60), (stopped.ExpectedSeconds, stopped.DownSeconds));

            // The agent stops: once it has been silent for AgentLink:SilentAfter its site is down, and so is every VM on it
            // from the next probe (+50 min) on, though the VM itself still runs.
            clock.Advance(TimeSpan.FromMinutes(10));
            await agent.StopAsync();
            var silent = await Eventually.UntilAsync(
                () => Task.FromResult(health.Reports(Site, out var seen) ? seen : null), s => s is { Status: SiteStatus.Down }, SilentAfter + TimeSpan.FromSeconds(60));
            Assert.NotNull(silent);
            Assert.True(silent.Status == SiteStatus.Down, $"the site of the stopped agent is still {silent.Status}");
            Assert.StartsWith("The site's agent has been silent since ", silent.Error, StringComparison.Ordinal);
            Assert.True(h.Emulator.Cluster(Site).IsRunning(vm.VmId));
            var unheard = await probe.ProbeAsync(CancellationToken.None);
            Assert.Equal([Site], unheard.Unreachable);
            clock.Advance(TimeSpan.FromHours(3));
            await probe.ProbeAsync(CancellationToken.None); // still silent; the hours before now are complete and sealed
            var end = clock.GetUtcNow();

            // Each hour's row is what the two outages put in it: [+15, +40) min stopped, [+50 min, now) silent.
            var outages = new[] { (Start: start.AddMinutes(15), End: start.AddMinutes(40)), (Start: start.AddMinutes(50), End: end) };
            var hours = new List<(DateTimeOffset HourStart, long ExpectedSeconds, long DownSeconds)>();
            for (var hour = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, 0, 0, TimeSpan.Zero); hour < end; hour = hour.AddHours(1))
            {
                var row = Assert.Single(await store.GetTenantAvailabilityAsync(verified.TenantId, hour, hour.AddHours(1), CancellationToken.None));
                var expected = Overlap(start, end, hour, hour.AddHours(1));
                var down = outages.Sum(o => Overlap(o.Start, o.End, hour, hour.AddHours(1)));
                Assert.True((row.ExpectedSeconds, row.DownSeconds) == (expected, down), $"hour {hour:O}: {row.ExpectedSeconds} s expected, {row.DownSeconds} s down; wanted {expected}, {down}");
                hours.Add((hour, expected, down));
            }

            // Each complete hour is sealed once, in its tenant-hour's audit entry, with the rows the store holds.
            var complete = hours.Where(x => x.HourStart.AddHours(1) <= end).ToList();
            var seals = (await services.GetRequiredService<IAuditStore>().ListEntriesAsync(
                new AuditQuery(Action: AvailabilitySeal.Action, Subject: "tenant:" + verified.TenantId, Limit: 500), CancellationToken.None)).Items;
            Assert.All(seals, e => Assert.Equal(AvailabilitySeal.Actor, e.Actor));
            var parsed = seals.Select(e => AvailabilitySeal.Parse(e.Payload)).ToList();
            Assert.All(parsed, Assert.NotNull); // null unless canonical
            var sealedHours = parsed.Select(p => Assert.Single(p!)).ToList(); // the tenant has this one VM
            Assert.All(sealedHours, x => Assert.Equal((accepted.Id, verified.TenantId), (x.ResourceId, x.TenantId)));
            Assert.Equal(complete, sealedHours.Select(x => (x.HourStart, x.ExpectedSeconds, x.DownSeconds)).OrderBy(x => x.HourStart));

            // The SLA report over the whole time, as its users read it.
            var range = $"from={Uri.EscapeDataString(start.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(start.AddHours(5).ToString("O"))}";
            var report = (await h.Client.GetFromJsonAsync<SlaReportResponse>($"api/v1/sla?tenant={verified.TenantId}&{range}", Json.Options))!;
            var line = Assert.Single(report.Resources);
            Assert.Equal((accepted.Id, Site), (line.ResourceId, line.SiteId));
            Assert.Equal((hours.Sum(x => x.ExpectedSeconds), hours.Sum(x => x.DownSeconds)), (line.ExpectedSeconds, line.DownSeconds));
            Assert.Equal((long)(end - start).TotalSeconds, line.ExpectedSeconds);
            Assert.Equal(25 * 60 + (long)(end - start.AddMinutes(50)).TotalSeconds, line.DownSeconds);
            Assert.Equal((hours.Count, complete.Count), (line.Hours, line.SealedHours));
            Assert.Equal(
                [new DownIntervalResponse(start.AddMinutes(15), start.AddMinutes(40)), new DownIntervalResponse(start.AddMinutes(50), null)],
                line.DownIntervals);
            Assert.True(line.Breached);
        }
        finally
        {
            await agent.StopAsync();
        }
    }

    private static long Overlap(DateTimeOffset from, DateTimeOffset to, DateTimeOffset hour, DateTimeOffset hourEnd) =>
        Math.Max(0, (long)((to < hourEnd ? to : hourEnd) - (from > hour ? from : hour)).TotalSeconds);
}
