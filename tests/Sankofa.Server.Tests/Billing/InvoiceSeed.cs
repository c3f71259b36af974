using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Billing;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;
using Sankofa.Server.Billing;
using Sankofa.Server.Provisioning;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Server.Tests.Billing;

/// <summary>
/// Real invoices, made the way the control plane makes them, on a clock the test drives: a price book recorded on chain,
/// VMs probed and metered over two whole hours (one stopped on its site for part of them), the hours sealed and anchored,
/// billing runs started over REST and built and issued on chain by a round of the billing worker. Shared by the CLI's
/// invoice journey and the portal's billing pages (linked into the CLI tests).
/// </summary>
public sealed class InvoiceSeed(ProvisioningHarness h)
{
    /// <summary>
    /// A server whose billing, metering and probe rounds stay out of the way: the seed drives them with its clock.
    /// Taxed at 15 %.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Billing:ChainRetryInterval"] = "01:00:00", ["Billing:CloseDelay"] = "00:00:00", ["Billing:TaxBasisPoints"] = "1500",
        ["Billing:MonthlyRuns"] = "false", ["Sla:ProbeInterval"] = "01:00:00",
    };

    /// <summary>The clock the rounds run at; set once <see cref="MeasureAsync"/> has run.</summary>
    public FakeTimeProvider Clock { get; private set; } = null!;

    /// <summary>The period measured: the first whole hour after every VM was Verified.</summary>
    public DateTimeOffset Start { get; private set; }

    /// <summary>End of the period (exclusive), two hours after <see cref="Start"/>.</summary>
    public DateTimeOffset End => Start.AddHours(2);

    /// <summary>The billing worker's service, at <see cref="Clock"/>.</summary>
    public BillingRunService Billing
    {
        get
        {
            var services = h.Server.Services;
            return new BillingRunService(
                services.GetRequiredService<IInvoiceStore>(), services.GetRequiredService<IUsageStore>(), services.GetRequiredService<IAvailabilityStore>(),
                services.GetRequiredService<IPriceBookStore>(), services.GetRequiredService<IBillingLedger>(), services.GetRequiredService<ITenantStore>(),
                services.GetRequiredService<SiteCatalog>(), services.GetRequiredService<BillingRunSettings>(), Clock);
        }
    }

    /// <summary>The invoice id the run of <paramref name="tenant"/> over the period gets.</summary>
    public string InvoiceId(string tenant) => BillingRunService.InvoiceId(tenant, Start, End);

    /// <summary>
    /// Adds a price book in force since 2020 at 5 ¢ per vCPU-hour, 0.7 ¢ per GiB-RAM-hour, 0.02 ¢ per GiB-disk-hour on every
    /// tier; once per server (a server holds one version per date, each after the last): a second call finds it there.
    /// </summary>
    public async Task AddPriceBookAsync()
    {
        var books = await h.Client.GetFromJsonAsync<List<PriceBookResponse>>("api/v1/billing/prices", Json.Options);
        if (books!.Any(b => b.EffectiveFrom == new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)))
        {
            return;
        }

        using var book = await h.Client.PostAsJsonAsync("api/v1/billing/prices", new
        {
            effectiveFrom = "2020-01-01T00:00:00Z", currency = "USD", minorDigits = 2,
            prices = new[] { "core", "regional", "edge" }.SelectMany(tier => new[]
            {
                new { tier, dimension = "vcpu-hour", microMinorPerUnitHour = 5_000_000L },
                new { tier, dimension = "ram-gib-hour", microMinorPerUnitHour = 700_000L },
                new { tier, dimension = "disk-gib-hour", microMinorPerUnitHour = 20_000L },
            }),
        });
        Assert.True(book.IsSuccessStatusCode, await book.Content.ReadAsStringAsync());
    }

    /// <summary>A new tenant with one project.</summary>
    public async Task<(string Tenant, string Project)> TenantAsync()
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await h.Client.PostAsJsonAsync("api/v1/tenants", new { id = tenant, name = "Tenant " + tenant, quota = new { vcpu = 64, ramMiB = 262144, diskGiB = 4096, vms = 20 } }))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var project = "p-" + Guid.NewGuid().ToString("N")[..8];
        using var response = await h.Client.PostAsJsonAsync($"api/v1/tenants/{tenant}/projects", new { id = project, name = "Project", quota = new { vcpu = 32, ramMiB = 131072, diskGiB = 2048, vms = 10 } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (tenant, project);
    }

    /// <summary>
    /// Probes and meters <paramref name="verified"/> over the period: <paramref name="stopped"/> is stopped on its site for
    /// 20 minutes of the first hour (probes at :10, :15, :35 and after the end), then every VM is metered past the end.
    /// Returns before anything is anchored, so a test may still change the store.
    /// </summary>
    public async Task MeasureAsync(IReadOnlyList<ResourceResponse> verified, ResourceResponse stopped)
    {
        var services = h.Server.Services;
        var latest = verified.Max(v => v.VerifiedAt!.Value);
        Start = new DateTimeOffset(latest.Year, latest.Month, latest.Day, latest.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        Clock = new FakeTimeProvider(Start.AddMinutes(10));
        var providers = services.GetRequiredService<IVirtualMachineProviderFactory>();
        var probe = new AvailabilityProbe(services.GetRequiredService<IAvailabilityStore>(), providers, new SlaOptions(), Clock);
        var vm = new VirtualMachineRef(stopped.Vm!.Node, stopped.Vm!.VmId);
        await probe.ProbeAsync(CancellationToken.None);
        await providers.Get(stopped.Vm.Site).StopAsync(vm);
        Clock.SetUtcNow(Start.AddMinutes(15));
        await probe.ProbeAsync(CancellationToken.None);
        await providers.Get(stopped.Vm.Site).StartAsync(vm);
        Clock.SetUtcNow(Start.AddMinutes(35));
        await probe.ProbeAsync(CancellationToken.None);
        Clock.SetUtcNow(End.AddMinutes(5));
        await probe.ProbeAsync(CancellationToken.None);
        await new UsageMetering(services.GetRequiredService<IUsageStore>(), Clock).MeterAsync(CancellationToken.None);
    }

    /// <summary>Waits until every sealed hour is anchored, then starts the period's runs (one tenant, or every tenant with usage).</summary>
    public async Task<IReadOnlyList<InvoiceResponse>> StartRunsAsync(string? tenant = null)
    {
        await h.Server.WaitAnchoredAsync((await h.Server.RecordAsync()).Id); // everything sealed before it is anchored too
        using var started = await h.Client.PostAsJsonAsync("api/v1/billing/runs", new { tenant, periodStart = Start, periodEnd = End });
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        return (await started.Content.ReadFromJsonAsync<List<InvoiceResponse>>(Json.Options))!;
    }

    /// <summary>A round of the billing worker ten minutes after the period: builds and issues the runs' invoices on chain.</summary>
    public async Task<BillingRound> IssueAsync()
    {
        Clock.SetUtcNow(End.AddMinutes(10));
        return await Billing.RunRoundAsync(CancellationToken.None);
    }
}
