using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Cli.Tests.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;
using Sankofa.Ledger.Resources;
using Sankofa.Proxmox.Emulator;
using Sankofa.Server.Provisioning;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Cli.Tests.Backup;

/// <summary>
/// A restore from a backup older than the chain's resource records, with real processes: the chain (an anvil of its own)
/// and the site's hypervisor (the Proxmox emulator) outlive the server, as Besu and Proxmox outlive a control-plane
/// machine. After the backup one VM is provisioned (unknown to the backup), one that was only placed in the backup is
/// provisioned, and one that was Verified is deleted; then the server is killed, its data directory destroyed, restored
/// with <c>sankofa backup restore</c> and started. The restored server must report exactly those three, take over the
/// placed one's VM rather than clone it again, carry out the deletion, leave the unknown VM alone, and record nothing on
/// chain twice (the registry's events are counted per resource, as anyone can with <c>cast logs</c>).
/// </summary>
[Collection(RestoreDrills.Name)]
public sealed class ResourceRestoreTests : IDisposable
{
    private const string Site = "edge-001";

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-resource-restore-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task A_restored_server_reports_the_resources_the_chain_has_beyond_it_adopts_what_is_safe_and_does_nothing_twice()
    {
        await using var anvil = await ExternalAnvil.StartAsync(directory.FullName);
        var emulatorOptions = new ProxmoxEmulatorOptions { TaskDurations = EmulatedTaskDurations.All(TimeSpan.FromMilliseconds(100)) };
        emulatorOptions.Clusters.Add(EmulatedSites.ClusterFor(SiteCatalog.Default.Get(Site)));
        await using var emulator = await ProxmoxEmulator.StartAsync(emulatorOptions);
        var cluster = emulator.Cluster(Site);
        var data = Path.Combine(directory.FullName, "data");
        var archive = Path.Combine(directory.FullName, "backup.tar.gz");
        var settings = Settings(anvil, emulator);

        var first = await ServerProcess.StartAsync(data, settings: settings);
        var port = first.Port;
        var project = await NewProjectAsync(first.Client);
        var deleted = await RequestAsync(first.Client, project, "deleted-after");
        await WaitStatusAsync(first, anvil, deleted, ResourceStatus.Verified);

        // The site stops answering, so this one is recorded on chain and placed but gets no VM before the backup.
        cluster.Reachable = false;
        var placed = await RequestAsync(first.Client, project, "placed-in-backup");
        await WaitStatusAsync(first, anvil, placed, ResourceStatus.Placed);
        var created = await AuditVerifyTests.RunCliAsync("backup", "create", "--data-dir", data, "--out", archive);
        Assert.True(created.ExitCode == 0, created.Output + created.Error);
        cluster.Reachable = true;

        // Beyond the backup: the placed one provisioned, a new one provisioned, the first one deleted.
        var unknown = await RequestAsync(first.Client, project, "unknown-to-backup");
        await WaitStatusAsync(first, anvil, placed, ResourceStatus.Verified);
        await WaitStatusAsync(first, anvil, unknown, ResourceStatus.Verified);
        using (var deleting = await first.Client.DeleteAsync($"api/v1/resources/{deleted}"))
        {
            Assert.Equal(HttpStatusCode.Accepted, deleting.StatusCode);
        }

        await WaitStatusAsync(first, anvil, deleted, ResourceStatus.Deleted);
        var registry = (await first.Client.GetFromJsonAsync<LedgerStatus>("api/v1/ledger", Json.Options))!.ResourceRegistryAddress;
        var eventsBefore = new Dictionary<string, Dictionary<string, int>>
        {
            [deleted] = await ChainEventsAsync(anvil, registry, deleted),
            [placed] = await ChainEventsAsync(anvil, registry, placed),
            [unknown] = await ChainEventsAsync(anvil, registry, unknown),
        };
        var unknownVm = Assert.Single(VmsOf(cluster, unknown));
        Assert.Single(VmsOf(cluster, placed));
        Assert.Empty(VmsOf(cluster, deleted));

        await first.KillAsync();
        await first.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
        var restored = await AuditVerifyTests.RunCliAsync("backup", "restore", "--data-dir", data, "--from", archive);
        Assert.True(restored.ExitCode == 0, restored.Output + restored.Error);
        await using var second = await ServerProcess.StartAsync(data, port, settings);

        // Exactly what the chain holds beyond the store, each with what the store had.
        var gaps = (await WaitComparedAsync(second)).ToDictionary(g => g.ResourceId ?? g.ChainKey);
        Assert.Equal(new[] { deleted, placed, unknown }.Order(StringComparer.Ordinal), gaps.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("deleted", (ResourceStatus?)ResourceStatus.Verified, ResourceChainGap.Adopted), (gaps[deleted].OnChainState, gaps[deleted].StoreStatus, gaps[deleted].Outcome));
        Assert.Equal(("verified", (ResourceStatus?)ResourceStatus.Placed), (gaps[placed].OnChainState, gaps[placed].StoreStatus));
        Assert.Equal(("verified", (ResourceStatus?)null, ResourceChainGap.Reported), (gaps[unknown].OnChainState, gaps[unknown].StoreStatus, gaps[unknown].Outcome));
        Assert.EndsWith("/" + unknownVm, gaps[unknown].Vm, StringComparison.Ordinal);
        Assert.Equal("0x" + Convert.ToHexStringLower(LedgerIds.Of(unknown)), gaps[unknown].ChainKey);
        Assert.Equal(Site, gaps[unknown].SiteId);

        // The placed one ends Verified on its one VM, the deleted one Deleted, the unknown one untouched on its site.
        var placedNow = await WaitStatusAsync(second, anvil, placed, ResourceStatus.Verified);
        Assert.Contains(placedNow.Events!, e => e.Kind is "chain.ahead" or "vm.found");
        Assert.DoesNotContain(placedNow.Events!, e => e.Kind == "vm.provisioning"); // no id drawn, nothing cloned after the restore
        await WaitStatusAsync(second, anvil, deleted, ResourceStatus.Deleted);
        using (var missing = await second.Client.GetAsync($"api/v1/resources/{unknown}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        Assert.Single(VmsOf(cluster, placed));
        Assert.Equal([unknownVm], VmsOf(cluster, unknown));
        Assert.Empty(VmsOf(cluster, deleted));

        // Nothing recorded on chain twice: each resource's events are what they were before the restore, one per transition.
        foreach (var (id, before) in eventsBefore)
        {
            var after = await ChainEventsAsync(anvil, registry, id);
            Assert.Equal(before, after);
            Assert.All(after, e => Assert.True(e.Value == 1, $"{id}: {e.Key} recorded {e.Value} times"));
            Assert.Equal(1, after.GetValueOrDefault("Requested"));
            Assert.Equal(1, after.GetValueOrDefault("SiteAttested"));
        }

        Assert.Equal(1, eventsBefore[deleted].GetValueOrDefault("Deleted"));
        Assert.Equal(0, eventsBefore[placed].GetValueOrDefault("Deleted"));

        // A second start compares from where the first left off: nothing new is found, the findings stay listed.
        await second.KillAsync();
        await using var third = await ServerProcess.StartAsync(data, port, settings);
        var again = await WaitComparedAsync(third);
        Assert.Equal(gaps.Count, again.Count);
        var ready = await third.Anonymous.GetFromJsonAsync<Sankofa.Server.Hosting.HealthReport>("readyz", Json.Options);
        Assert.Equal("ok (the chain holds no resource record beyond the store)", ready!.Resources);
        using var forbidden = new HttpRequestMessage(HttpMethod.Get, "api/v1/resources/chain-gaps");
        using (var anonymous = await third.Anonymous.SendAsync(forbidden))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
    }

    private static Dictionary<string, string> Settings(ExternalAnvil anvil, ProxmoxEmulator emulator)
    {
        var settings = new Dictionary<string, string>
        {
            ["Ledger:RpcUrl"] = anvil.RpcUrl.ToString(),
            ["Ledger:KeyPassword"] = "resource-restore-password",
            ["Provisioning:PollInterval"] = "00:00:00.100",
            ["Provisioning:MinRetryDelay"] = "00:00:00.100",
            ["Provisioning:MaxRetryDelay"] = "00:00:00.500",
            // The unreachable site must not make the placed resource give up before the backup is taken.
            ["Provisioning:MaxAttempts"] = "100000",
            // Probed once at start: the site's outage must not take it out of placement.
            ["Topology:ProbeInterval"] = "01:00:00",
        };
        foreach (var (key, value) in emulator.ClientSettings(taskPollInterval: TimeSpan.FromMilliseconds(25), taskTimeout: TimeSpan.FromSeconds(30)))
        {
            settings[key] = value!;
        }

        return settings;
    }

    private static async Task<string> NewProjectAsync(HttpClient client)
    {
        using (var tenant = await client.PostAsJsonAsync("api/v1/tenants", new { id = "restore", name = "Restore", quota = new { vcpu = 64, ramMiB = 262144, diskGiB = 4096, vms = 20 } }))
        {
            Assert.Equal(HttpStatusCode.Created, tenant.StatusCode);
        }

        using var project = await client.PostAsJsonAsync("api/v1/tenants/restore/projects", new { id = "vms", name = "VMs", quota = new { vcpu = 32, ramMiB = 131072, diskGiB = 2048, vms = 10 } });
        Assert.Equal(HttpStatusCode.Created, project.StatusCode);
        return "vms";
    }

    private static async Task<string> RequestAsync(HttpClient client, string project, string name)
    {
        using var response = await client.PostAsJsonAsync("api/v1/resources", ProvisioningHarness.Vm(project, Site, name, vcpu: 1));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ResourceResponse>(Json.Options))!.Id;
    }

    /// <summary>Waits two minutes at most; a resource still elsewhere fails the test with its events, the server's last log lines and the node's pool.</summary>
    private static async Task<ResourceResponse> WaitStatusAsync(ServerProcess server, ExternalAnvil anvil, string id, ResourceStatus status)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var resource = (await server.Client.GetFromJsonAsync<ResourceResponse>($"api/v1/resources/{id}", Json.Options))!;
            if (resource.Status == status)
            {
                return resource;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{id} is {resource.Status}, not {status}: {resource.FailureReason}; events:\n"
                    + string.Join('\n', resource.Events?.Select(e => $"  {e.Status} {e.Kind}: {e.Message}") ?? [])
                    + $"\nchain pool: {await anvil.CallAsync("txpool_status")}\nserver log (last 40 lines):\n" + string.Join('\n', server.Output.TakeLast(40)));
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the restored server compared its resources with the chain (its /readyz says so), then lists what it found.</summary>
    private static async Task<IReadOnlyList<ResourceChainGap>> WaitComparedAsync(ServerProcess server)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            using var ready = await server.Anonymous.GetAsync("readyz");
            var report = await ready.Content.ReadFromJsonAsync<Sankofa.Server.Hosting.HealthReport>(Json.Options);
            if (ready.StatusCode == HttpStatusCode.OK && report!.Resources!.StartsWith("ok", StringComparison.Ordinal))
            {
                return (await server.Client.GetFromJsonAsync<List<ResourceChainGap>>("api/v1/resources/chain-gaps", Json.Options))!;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not compared: {report?.Status}, resources {report?.Resources}");
            await Task.Delay(100);
        }
    }

    /// <summary>The registry's events about one resource, by name: what <c>cast logs --address REGISTRY '' KEY</c> lists.</summary>
    private static async Task<Dictionary<string, int>> ChainEventsAsync(ExternalAnvil anvil, string registry, string resourceId)
    {
        var names = new[]
        {
            "Requested(bytes32,bytes32)", "Placed(bytes32,bytes32,bytes32)", "JurisdictionRecorded(bytes32,bytes32,bytes2)", "Provisioned(bytes32,bytes32)",
            "SiteAttested(bytes32,bytes32,bytes32)", "Resized(bytes32,bytes32,bytes32)", "RemovalRequested(bytes32)", "Deleted(bytes32)",
        }.ToDictionary(e => "0x" + Convert.ToHexStringLower(Nethereum.Util.Sha3Keccack.Current.CalculateHash(System.Text.Encoding.ASCII.GetBytes(e))), e => e[..e.IndexOf('(')]);
        var logs = await anvil.CallAsync("eth_getLogs", new { address = registry, fromBlock = "0x0", toBlock = "latest", topics = new object?[] { null, "0x" + Convert.ToHexStringLower(LedgerIds.Of(resourceId)) } });
        return logs.EnumerateArray()
            .Select(l => names.GetValueOrDefault(l.GetProperty("topics")[0].GetString()!, "other"))
            .GroupBy(n => n)
            .ToDictionary(g => g.Key, g => g.Count());
    }

    private static List<int> VmsOf(EmulatedCluster cluster, string resourceId) =>
        [.. cluster.VmIds.Where(id => (cluster.ConfigValue(id, "description") ?? string.Empty).Contains("sankofa-resource-id: " + resourceId, StringComparison.Ordinal))];
}
