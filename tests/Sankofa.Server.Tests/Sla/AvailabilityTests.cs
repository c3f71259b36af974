using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Agents;
using Sankofa.Core.Audit;
using Sankofa.Core.Billing;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;
using Sankofa.Server.Sla;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Server.Tests.Sla;

/// <summary>A harness whose own availability worker stays out of the way: the test drives probe rounds with its clock.</summary>
public sealed class AvailabilityFixture : IAsyncLifetime
{
    public ProvisioningHarness Harness { get; private set; } = null!;

    public async Task InitializeAsync() => Harness = await ProvisioningHarness.StartAsync(new Dictionary<string, string?> { ["Sla:ProbeInterval"] = "01:00:00" });

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}

/// <summary>
/// Availability measured end to end in direct mode: a VM on the Proxmox emulator, stopped there for a measured time,
/// its outage recorded by probe rounds, its complete hours sealed into the audit log with the canonical payload and
/// anchored on chain, and the SLA report showing the breach and the credit due.
/// </summary>
public sealed class AvailabilityTests(AvailabilityFixture fixture) : IClassFixture<AvailabilityFixture>
{
    private ProvisioningHarness H => fixture.Harness;

    [Fact]
    public async Task A_vm_stopped_on_its_site_is_measured_down_sealed_hour_by_hour_and_reported_as_a_breach()
    {
        var project = await H.NewProjectAsync();
        var accepted = await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-001", "sla-1"));
        var verified = await H.WaitForAsync(accepted.Id, ResourceStatus.Verified);
        var services = H.Server.Services;
        var providers = services.GetRequiredService<IVirtualMachineProviderFactory>();
        var vm = new VirtualMachineRef(verified.Vm!.Node, verified.Vm.VmId);

        // Probe rounds by a clock the test controls, from ten minutes after Verified (whole seconds, as measured).
        var start = DateTimeOffset.FromUnixTimeSeconds(verified.VerifiedAt!.Value.ToUnixTimeSeconds());
        var clock = new FakeTimeProvider(start.AddMinutes(10));
        var probe = new AvailabilityProbe(services.GetRequiredService<IAvailabilityStore>(), providers, new SlaOptions(), clock,
            services.GetService<IReportedSiteHealth>(), services.GetService<ISiteReports>());
        Assert.Equal(1, (await probe.ProbeAsync(CancellationToken.None)).Measured); // up

        await providers.Get("edge-001").StopAsync(vm); // over the emulator's Proxmox API
        clock.Advance(TimeSpan.FromMinutes(5));
        await probe.ProbeAsync(CancellationToken.None); // seen down: the outage starts at +15 min
        clock.Advance(TimeSpan.FromMinutes(20));
        await probe.ProbeAsync(CancellationToken.None); // still down
        await providers.Get("edge-001").StartAsync(vm);
        clock.Advance(TimeSpan.FromMinutes(5));
        await probe.ProbeAsync(CancellationToken.None); // up again at +40 min
        clock.Advance(TimeSpan.FromHours(3));
        await probe.ProbeAsync(CancellationToken.None); // the hours before now are complete and sealed

        // Each complete hour is in one audit entry of its tenant-hour whose payload is the canonical form of what it states.
        var audit = services.GetRequiredService<IAuditStore>();
        var seals = (await audit.ListEntriesAsync(new AuditQuery(Action: AvailabilitySeal.Action, Subject: "tenant:" + verified.TenantId, Limit: 500), CancellationToken.None)).Items;
        Assert.All(seals, e => Assert.Equal(AvailabilitySeal.Actor, e.Actor));
        var parsed = seals.Select(e => (Entry: e, Hours: AvailabilitySeal.Parse(e.Payload))).ToList();
        Assert.All(parsed, p => Assert.NotNull(p.Hours)); // null unless canonical
        var mine = parsed.Where(p => p.Hours!.Any(h => h.ResourceId == accepted.Id)).ToList();
        var hours = mine.SelectMany(p => p.Hours!.Where(h => h.ResourceId == accepted.Id)).ToList();
        Assert.InRange(hours.Count, 3, 4);
        Assert.All(hours, h => Assert.Equal(verified.TenantId, h.TenantId));
        Assert.Equal(hours.Count, hours.Select(h => h.HourStart).Distinct().Count()); // each hour once
        Assert.Equal(25 * 60, hours.Sum(h => h.DownSeconds));
        await H.Server.WaitAnchoredAsync(mine.Max(p => p.Entry.Id)); // batched and anchored like every entry

        // The report over the whole time: 1,500 s down of the expected seconds is far under edge's 99.5 %: 100 % credit.
        var range = $"from={Uri.EscapeDataString(start.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(start.AddHours(5).ToString("O"))}";
        var report = (await H.Client.GetFromJsonAsync<SlaReportResponse>($"api/v1/sla?tenant={verified.TenantId}&{range}", Json.Options))!;
        var line = Assert.Single(report.Resources);
        Assert.Equal((accepted.Id, "edge", 995_000L, "99.5000"), (line.ResourceId, line.Tier, line.TargetPpm, line.TargetPercent));
        Assert.Equal(1500, line.DownSeconds);
        Assert.Equal((long)(clock.GetUtcNow() - start).TotalSeconds, line.ExpectedSeconds);
        Assert.True(line.Breached);
        Assert.Equal(100, line.CreditPercent);
        Assert.Equal(SlaReports.Percent(line.AvailabilityPpm), line.AvailabilityPercent);
        Assert.Equal(seals.Count, line.SealedHours);
        var outage = Assert.Single(line.DownIntervals);
        Assert.Equal((start.AddMinutes(15), start.AddMinutes(40)), (outage.Start, outage.End!.Value));
        Assert.Equal((1, 1500L, 1), (report.Totals.Resources, report.Totals.DownSeconds, report.Totals.Breaches));

        // Bad input names the field; a platform-wide caller must say which tenant.
        foreach (var (query, field) in new[] { ($"tenant={verified.TenantId}&from=yesterday", "from"), ($"tenant={verified.TenantId}&from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "from"), ("", "tenant") })
        {
            using var refused = await H.Client.GetAsync($"api/v1/sla?{query}");
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)refused.StatusCode} {text}");
            Assert.Equal([field], JsonSerializer.Deserialize<JsonElement>(text).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        }

        using var missing = await H.Client.GetAsync("api/v1/sla?tenant=t-nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
