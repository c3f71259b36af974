using System.Net;
using System.Net.Http.Json;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;
using Sankofa.Proxmox.Emulator;
using Sankofa.Server.Provisioning;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Server.Tests.Deploy;

/// <summary>
/// A server as its own process (so its metrics are its own, not shared with other servers of the test process) on a
/// chain the test can stop (an anvil of its own) and one emulated edge site, after some real work — a VM provisioned
/// to Verified, an audit entry anchored, a refused sign-in — scraped every second by Debian's Prometheus, which loads
/// the rule files of deploy/monitoring/rules.
/// </summary>
public sealed class MonitoringFixture : IAsyncLifetime
{
    /// <summary>The emulated site the VM goes to.</summary>
    public const string Site = "edge-001";

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-monitoring-");
    private ProxmoxEmulator? emulator;

    public ExternalAnvil Chain { get; private set; } = null!;

    public ServerProcess Server { get; private set; } = null!;

    public PrometheusProcess Prometheus { get; private set; } = null!;

    /// <summary>The Prometheus rule files under deploy/monitoring/rules.</summary>
    public static IReadOnlyList<string> RuleFiles { get; } = Directory.Exists(RulesDirectory)
        ? Directory.GetFiles(RulesDirectory, "*.yml").Order(StringComparer.Ordinal).ToList()
        : [];

    private static string RulesDirectory => Path.Combine(Repository.Root, "deploy", "monitoring", "rules");

    public async Task InitializeAsync()
    {
        Chain = await ExternalAnvil.StartAsync(directory.FullName);
        var emulatorOptions = new ProxmoxEmulatorOptions { TaskDurations = EmulatedTaskDurations.All(TimeSpan.FromMilliseconds(50)) };
        emulatorOptions.Clusters.Add(EmulatedSites.ClusterFor(SiteCatalog.Default.Get(Site)));
        emulator = await ProxmoxEmulator.StartAsync(emulatorOptions);
        var settings = new Dictionary<string, string>
        {
            ["Ledger:RpcUrl"] = Chain.RpcUrl.ToString(),
            ["Ledger:KeyPassword"] = "monitoring-test-password",
            ["Ledger:RpcTimeout"] = "00:00:02",
            ["Ledger:ConfirmationTimeout"] = "00:00:05",
            ["Provisioning:PollInterval"] = "00:00:00.100",
        };
        foreach (var (key, value) in emulator.ClientSettings(taskPollInterval: TimeSpan.FromMilliseconds(25), taskTimeout: TimeSpan.FromSeconds(30)))
        {
            settings[key] = value!;
        }

        Server = await ServerProcess.StartAsync(Path.Combine(directory.FullName, "server"), settings: settings);
        await WorkAsync();
        var prometheusDirectory = Directory.CreateDirectory(Path.Combine(directory.FullName, "prometheus"));
        Prometheus = await PrometheusProcess.StartAsync(prometheusDirectory.FullName, Server.Address, RuleFiles);
        var up = await Eventually.UntilAsync(() => Prometheus.QueryAsync($"up{{job=\"{PrometheusProcess.Job}\"}} == 1"), r => r.Count == 1, TimeSpan.FromSeconds(60));
        Assert.True(up.Count == 1, $"Prometheus never scraped the server:\n{Prometheus.Output}");
    }

    /// <summary>What a scrape of the server's /metrics holds now.</summary>
    public Task<string> ScrapeAsync() => Server.Anonymous.GetStringAsync("metrics");

    public async Task DisposeAsync()
    {
        await Prometheus.DisposeAsync();
        await Server.DisposeAsync();
        if (emulator is not null)
        {
            await emulator.DisposeAsync();
        }

        await Chain.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    /// <summary>A VM provisioned to Verified, an audit entry anchored and a refused sign-in, so the families they feed exist.</summary>
    private async Task WorkAsync()
    {
        using (var tenant = await Server.Client.PostAsJsonAsync("api/v1/tenants", new { id = "watch", name = "Watch", quota = new { vcpu = 8, ramMiB = 16384, diskGiB = 200, vms = 4 } }))
        {
            Assert.Equal(HttpStatusCode.Created, tenant.StatusCode);
        }

        using (var project = await Server.Client.PostAsJsonAsync("api/v1/tenants/watch/projects", new { id = "watched", name = "Watched", quota = new { vcpu = 8, ramMiB = 16384, diskGiB = 200, vms = 4 } }))
        {
            Assert.Equal(HttpStatusCode.Created, project.StatusCode);
        }

        string id;
        using (var requested = await Server.Client.PostAsJsonAsync("api/v1/resources", ProvisioningHarness.Vm("watched", Site, "watched-1", vcpu: 1)))
        {
            Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
            id = (await requested.Content.ReadFromJsonAsync<ResourceResponse>(Json.Options))!.Id;
        }

        using (var recorded = await Server.Client.PostAsJsonAsync("api/v1/audit/entries", new { actor = "ops", action = "test.recorded", subject = "monitoring", payload = new { } }))
        {
            Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        }

        using (var refused = await Server.Anonymous.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
               {
                   ["grant_type"] = "client_credentials", ["client_id"] = "nobody", ["client_secret"] = "wrong",
               })))
        {
            Assert.False(refused.IsSuccessStatusCode);
        }

        var vm = await Eventually.UntilAsync(
            async () => (await Server.Client.GetFromJsonAsync<ResourceResponse>($"api/v1/resources/{id}", Json.Options))!,
            r => r.Status == ResourceStatus.Verified, TimeSpan.FromMinutes(2));
        Assert.True(vm.Status == ResourceStatus.Verified, $"{id} is {vm.Status}, not Verified: {vm.FailureReason}");
    }
}
