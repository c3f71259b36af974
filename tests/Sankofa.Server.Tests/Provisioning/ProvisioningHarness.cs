using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Core.Topology;
using Sankofa.Proxmox.Emulator;
using Sankofa.Server.Provisioning;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Provisioning;

/// <summary>
/// A real server wired to a real Proxmox VE emulator (one cluster per edge site used, nodes named after the catalog's
/// hosts, template 9000 on the first) and the embedded chain, with short task durations and retry delays.
/// </summary>
public sealed class ProvisioningHarness : IAsyncDisposable
{
    public static readonly string[] Sites = ["edge-001", "edge-002", "edge-003"];

    private readonly IReadOnlyDictionary<string, string?> extraSettings;
    private readonly Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure;

    private ProvisioningHarness(
        ProxmoxEmulator emulator, string dataDirectory, IReadOnlyDictionary<string, string?> extraSettings, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure)
    {
        Emulator = emulator;
        DataDirectory = dataDirectory;
        this.extraSettings = extraSettings;
        this.configure = configure;
    }

    public ProxmoxEmulator Emulator { get; }

    public string DataDirectory { get; }

    public TestServer Server { get; private set; } = null!;

    public HttpClient Client => Server.Client;

    /// <param name="settings">Settings over the harness's own (another chain, shorter intervals).</param>
    /// <param name="configure">Last changes to the server's builder (e.g. an in-memory span exporter).</param>
    public static async Task<ProvisioningHarness> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null)
    {
        var options = new ProxmoxEmulatorOptions { TaskDurations = EmulatedTaskDurations.All(TimeSpan.FromMilliseconds(100)) };
        foreach (var siteId in Sites)
        {
            options.Clusters.Add(EmulatedSites.ClusterFor(SiteCatalog.Default.Get(siteId)));
        }

        var harness = new ProvisioningHarness(
            await ProxmoxEmulator.StartAsync(options), Directory.CreateTempSubdirectory("sankofa-provisioning-").FullName, settings ?? new Dictionary<string, string?>(), configure);
        await harness.StartServerAsync();
        return harness;
    }

    public async Task StartServerAsync() => Server = await TestServer.StartAsync(DataDirectory, Settings(), configure);

    public async Task StopServerAsync() => await Server.DisposeAsync();

    /// <summary>The server's settings: the harness's own, the emulator's clusters, then the test's.</summary>
    public Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Provisioning:PollInterval"] = "00:00:00.100",
            ["Provisioning:MinRetryDelay"] = "00:00:00.100",
            ["Provisioning:MaxRetryDelay"] = "00:00:01",
            ["Provisioning:ShutdownTimeout"] = "00:00:05",
            ["Topology:ProbeInterval"] = "00:00:01",

            // Long enough that a list answered after a change of this server's can only be fresh because the change dropped it.
            ["ReadCache:MaxAge"] = "01:00:00",
        };
        foreach (var (key, value) in Emulator.ClientSettings(taskPollInterval: TimeSpan.FromMilliseconds(25), taskTimeout: TimeSpan.FromSeconds(30)))
        {
            settings[key] = value;
        }

        foreach (var (key, value) in extraSettings)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A tenant and a project with the given project quota (the tenant's is large).</summary>
    public async Task<string> NewProjectAsync(int vcpu = 64, long ramMiB = 262144, long diskGiB = 4096, int vms = 20)
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await Client.PostAsJsonAsync("api/v1/tenants", new { id = tenant, name = "Tenant " + tenant, quota = new { vcpu = 256, ramMiB = 1048576, diskGiB = 65536, vms = 100 } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var project = "p-" + Guid.NewGuid().ToString("N")[..8];
        using var response = await Client.PostAsJsonAsync($"api/v1/tenants/{tenant}/projects", new { id = project, name = "Project", quota = new { vcpu, ramMiB, diskGiB, vms } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return project;
    }

    public static object Vm(string projectId, string site, string name = "web-1", int vcpu = 2) => new
    {
        projectId,
        name,
        vcpu,
        ramMiB = 2048,
        diskGiB = 20,
        template = "debian-12-cloud",
        sshKeys = new[] { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKq0 ops@example" },
        cloudInitUser = "ops",
        siteId = site,
    };

    public async Task<ResourceResponse> CreateAsync(object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/resources") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<ResourceResponse>(text, Json.Options)!;
    }

    public async Task<ResourceResponse> GetAsync(string id) =>
        (await Client.GetFromJsonAsync<ResourceResponse>($"api/v1/resources/{id}", Json.Options))!;

    /// <summary>Polls the API until the resource reaches <paramref name="status"/>, after an event of kind <paramref name="after"/> when given (fails fast on Failed unless that is the goal).</summary>
    public async Task<ResourceResponse> WaitForAsync(string id, Core.Provisioning.ResourceStatus status, TimeSpan? timeout = null, string? after = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var resource = await GetAsync(id);
            if (resource.Status == status && (after is null || resource.Events!.Any(e => e.Kind == after)))
            {
                return resource;
            }

            if (resource.Status == Core.Provisioning.ResourceStatus.Failed || DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"resource {id} is {resource.Status}, not {status}; events:\n" +
                    string.Join('\n', resource.Events!.Select(e => $"  {e.Status} {e.Kind}: {e.Message}")) + $"\nfailure: {resource.FailureReason}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>VM ids on a cluster whose description carries the resource id: what a user would find in the Proxmox UI.</summary>
    public IReadOnlyList<int> VmsOf(string site, string resourceId)
    {
        var cluster = Emulator.Cluster(site);
        return [.. cluster.VmIds.Where(id => (cluster.ConfigValue(id, "description") ?? string.Empty).Contains("sankofa-resource-id: " + resourceId, StringComparison.Ordinal))];
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Emulator.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }
}

/// <summary>One harness shared by the tests of a class.</summary>
public sealed class ProvisioningFixture : IAsyncLifetime
{
    public ProvisioningHarness Harness { get; private set; } = null!;

    public async Task InitializeAsync() => Harness = await ProvisioningHarness.StartAsync();

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
