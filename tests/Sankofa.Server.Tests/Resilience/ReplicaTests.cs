using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;
using Sankofa.Proxmox.Emulator;
using Sankofa.Server.Audit;
using Sankofa.Server.Identity.Accounts;
using Sankofa.Server.Provisioning;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;
using Xunit.Abstractions;

namespace Sankofa.Server.Tests.Resilience;

/// <summary>
/// Three server processes on one PostgreSQL, one chain and one data directory (the shared key, contracts and secrets),
/// started at once on a fresh database and chain, under a mixed load — audit appends, VM requests, identity changes —
/// while one of them is killed with SIGKILL every few seconds and started again: every accepted operation is there
/// once, every VM Verified with one clone, every audit entry verified on chain and anchored by one event.
/// </summary>
public sealed class ReplicaTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Replicas = 3;
    private const int Vms = 9;
    private static readonly string[] Sites = ["edge-001", "edge-002", "edge-003"];

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-replicas-");
    private string database = null!;

    public async Task InitializeAsync() => database = await TestPostgres.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        await TestPostgres.DropDatabaseAsync(database);
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task Three_replicas_with_one_killed_again_and_again_lose_nothing_and_do_nothing_twice()
    {
        await using var anvil = await ExternalAnvil.StartAsync(directory.FullName);
        var emulatorOptions = new ProxmoxEmulatorOptions { TaskDurations = EmulatedTaskDurations.All(TimeSpan.FromMilliseconds(100)) };
        foreach (var site in Sites)
        {
            emulatorOptions.Clusters.Add(EmulatedSites.ClusterFor(SiteCatalog.Default.Get(site)));
        }

        await using var emulator = await ProxmoxEmulator.StartAsync(emulatorOptions);
        var data = Path.Combine(directory.FullName, "shared");
        var ports = Enumerable.Range(0, Replicas).Select(_ => FreePort.Next()).ToArray();
        var settings = Enumerable.Range(0, Replicas).Select(i => Settings(i, anvil, emulator)).ToArray();

        // Fresh database, fresh chain, all at once: one of them migrates and deploys, the others find it done (they start in
        // turn, so the last may wait for two starts).
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var replicas = await Task.WhenAll(Enumerable.Range(0, Replicas).Select(i => ServerProcess.StartAsync(data, ports[i], settings[i], TimeSpan.FromMinutes(5))));
        try
        {
            output.WriteLine($"{watch.Elapsed}: three replicas ready");
            var project = await NewProjectAsync(replicas[0].Client);
            var audit = new ConcurrentBag<long>();
            var vms = new ConcurrentBag<(string Id, string Site)>();
            // identity id -> its suspension was accepted (true), refused (false), or its answer was lost with a killed replica (null)
            var users = new ConcurrentDictionary<string, bool?>();
            using var stop = new CancellationTokenSource();

            ServerProcess AnyLive()
            {
                while (true)
                {
                    var pick = replicas[Random.Shared.Next(Replicas)];
                    if (pick is not null)
                    {
                        return pick;
                    }
                }
            }

            var auditWriters = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        using var response = await AnyLive().Client.PostAsJsonAsync("api/v1/audit/entries",
                            new { actor = "load", action = "replica.load", subject = $"item-{w}-{i}", payload = new { w, i } });
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            audit.Add((await response.Content.ReadFromJsonAsync<AuditEntryResponse>(Json.Options))!.Id);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ObjectDisposedException)
                    {
                        // That replica died mid-request: the entry was not accepted (no 201), or is there all the same; both fine.
                    }

                    await Task.Delay(10); // a steady load, not a flood: the machine also runs three servers and their restarts
                }
            })).ToList();

            // Each VM request goes to replicas until one accepts it; its Idempotency-Key makes a retry of one that was
            // accepted without the answer arriving the same request.
            var vmRequests = Task.Run(async () =>
            {
                for (var i = 0; i < Vms; i++)
                {
                    var site = Sites[i % Sites.Length];
                    var key = Guid.NewGuid().ToString("N");
                    while (true)
                    {
                        try
                        {
                            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/resources")
                            {
                                Content = JsonContent.Create(ProvisioningHarness.Vm(project, site, $"vm-{i}", vcpu: 1)),
                            };
                            request.Headers.Add("Idempotency-Key", key);
                            using var response = await AnyLive().Client.SendAsync(request);
                            if (response.StatusCode == HttpStatusCode.Accepted)
                            {
                                vms.Add(((await response.Content.ReadFromJsonAsync<ResourceResponse>(Json.Options))!.Id, site));
                                break;
                            }

                            Assert.True((int)response.StatusCode >= 500, $"VM request refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ObjectDisposedException)
                        {
                        }

                        await Task.Delay(200);
                    }

                    await Task.Delay(1_000);
                }
            });

            var identityChanges = Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        using var created = await AnyLive().Client.PostAsJsonAsync("api/v1/identities/users",
                            new { userName = $"replica-user-{i}", password = "replica-password-" + i, roles = new[] { "auditor" } });
                        if (created.StatusCode != HttpStatusCode.Created)
                        {
                            continue;
                        }

                        var id = (await created.Content.ReadFromJsonAsync<CreatedIdentityResponse>(Json.Options))!.Identity.Id;
                        users[id] = false;
                        try
                        {
                            using var suspended = await AnyLive().Client.PostAsync($"api/v1/identities/{id}/suspend", null);
                            users[id] = suspended.IsSuccessStatusCode;
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ObjectDisposedException)
                        {
                            // The replica died after the request left: the suspension may have been accepted all the same.
                            users[id] = null;
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ObjectDisposedException)
                    {
                    }

                    await Task.Delay(300);
                }
            });

            // One replica killed with SIGKILL every few seconds (each in turn, the first twice), and started again on the same port.
            for (var round = 0; round < 4; round++)
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
                var victim = round % Replicas;
                var dying = replicas[victim];
                replicas[victim] = null!;
                await dying.KillAsync();
                await dying.DisposeAsync();
                replicas[victim] = await ServerProcess.StartAsync(data, ports[victim], settings[victim], TimeSpan.FromMinutes(5));
                output.WriteLine($"{watch.Elapsed}: replica {victim} killed and back");
            }

            await vmRequests;
            await stop.CancelAsync();
            await Task.WhenAll([.. auditWriters, identityChanges]);
            var client = replicas[0].Client;
            output.WriteLine($"{watch.Elapsed}: load over: {audit.Count} audit entries, {vms.Count} VMs, {users.Count} identities accepted");

            // Audit: every accepted entry sealed once, anchored by exactly one event per batch, verified from the chain.
            Assert.True(audit.Count > 50, $"only {audit.Count} audit entries were accepted");
            var chain = await ChainAudit.WaitAllAnchoredAsync(client, [.. audit], TimeSpan.FromSeconds(120));
            Assert.Equal(chain.Count, chain.Select(e => e.Id).Distinct().Count());
            Assert.Superset(audit.ToHashSet(), chain.Select(e => e.Id).ToHashSet());
            Assert.Empty(await ChainAudit.VerifyAsync(client, chain));
            output.WriteLine($"{watch.Elapsed}: audit verified");

            // VMs: each request one resource, Verified on chain, with one clone on its site.
            Assert.Equal(Vms, vms.Select(v => v.Id).Distinct().Count());
            foreach (var (id, site) in vms)
            {
                var verified = await WaitVerifiedAsync(client, id);
                Assert.True(verified.OnChain!.Verified, id);
                Assert.Single(VmsOf(emulator, site, id));
            }

            var listed = (await client.GetFromJsonAsync<ResourcePageResponse>($"api/v1/resources?projectId={project}&limit=100", Json.Options))!;
            Assert.Equal(Vms, listed.Items.Count);
            Assert.Equal(Vms, Sites.Sum(site => emulator.Cluster(site).VmIds.Count(vm => emulator.Cluster(site).ConfigValue(vm, "description")?.Contains("sankofa-resource-id", StringComparison.Ordinal) == true)));

            // Identities: each accepted one recorded on chain with its last accepted status, no step refused. A suspension
            // whose answer was lost is either way, and the chain must then hold what the store holds.
            output.WriteLine($"{watch.Elapsed}: VMs verified");
            Assert.NotEmpty(users);
            foreach (var (id, suspended) in users)
            {
                var status = suspended switch
                {
                    true => "suspended",
                    false => "active",
                    null => (await client.GetFromJsonAsync<IdentityResponse>($"api/v1/identities/{id}", Json.Options))!.Status,
                };
                Assert.Contains(status, new[] { "active", "suspended" });
                var identity = await WaitRecordedAsync(client, id, status);
                Assert.Equal(status, identity.Status);
                Assert.Equal(0, identity.Chain.Failed);
            }
        }
        finally
        {
            foreach (var replica in replicas.Where(r => r is not null))
            {
                await replica.DisposeAsync();
            }
        }
    }

    private Dictionary<string, string> Settings(int replica, ExternalAnvil anvil, ProxmoxEmulator emulator)
    {
        var settings = new Dictionary<string, string>
        {
            ["Store:Provider"] = "postgres",
            ["Store:ConnectionString"] = database,
            ["Ledger:RpcUrl"] = anvil.RpcUrl.ToString(),
            ["Ledger:KeyPassword"] = "replica-test-password",
            ["Provisioning:InstanceId"] = $"replica-{replica}",
            ["Provisioning:PollInterval"] = "00:00:00.100",
            ["Provisioning:MinRetryDelay"] = "00:00:00.100",
            ["Provisioning:MaxRetryDelay"] = "00:00:01",
            ["Topology:ProbeInterval"] = "00:00:01",
            ["Identity:Accounts:ChainPollInterval"] = "00:00:00.200",
            ["Replicas:TakeoverInterval"] = "00:00:00.500",
            ["Audit:MinRetryDelay"] = "00:00:00.200",
            ["Audit:MaxRetryDelay"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in emulator.ClientSettings(taskPollInterval: TimeSpan.FromMilliseconds(25), taskTimeout: TimeSpan.FromSeconds(30)))
        {
            settings[key] = value!;
        }

        return settings;
    }

    private static async Task<string> NewProjectAsync(HttpClient client)
    {
        using (var tenant = await client.PostAsJsonAsync("api/v1/tenants", new { id = "replicas", name = "Replicas", quota = new { vcpu = 256, ramMiB = 1048576, diskGiB = 65536, vms = 100 } }))
        {
            Assert.Equal(HttpStatusCode.Created, tenant.StatusCode);
        }

        using var project = await client.PostAsJsonAsync("api/v1/tenants/replicas/projects", new { id = "load", name = "Load", quota = new { vcpu = 64, ramMiB = 262144, diskGiB = 4096, vms = 20 } });
        Assert.Equal(HttpStatusCode.Created, project.StatusCode);
        return "load";
    }

    private static IReadOnlyList<int> VmsOf(ProxmoxEmulator emulator, string site, string resourceId)
    {
        var cluster = emulator.Cluster(site);
        return [.. cluster.VmIds.Where(id => (cluster.ConfigValue(id, "description") ?? string.Empty).Contains("sankofa-resource-id: " + resourceId, StringComparison.Ordinal))];
    }

    private static async Task<ResourceResponse> WaitVerifiedAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var resource = (await client.GetFromJsonAsync<ResourceResponse>($"api/v1/resources/{id}", Json.Options))!;
            if (resource is { Status: ResourceStatus.Verified, OnChain: not null } || DateTime.UtcNow > deadline)
            {
                Assert.True(resource.Status == ResourceStatus.Verified, $"{id} is {resource.Status}: {resource.FailureReason}; events:\n"
                    + string.Join('\n', resource.Events?.Select(e => $"  {e.Status} {e.Kind}: {e.Message}") ?? []));
                return resource;
            }

            await Task.Delay(200);
        }
    }

    private static async Task<IdentityResponse> WaitRecordedAsync(HttpClient client, string id, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var identity = (await client.GetFromJsonAsync<IdentityResponse>($"api/v1/identities/{id}", Json.Options))!;
            if ((identity.Chain.Recorded == status && identity.Chain.Pending == 0) || DateTime.UtcNow > deadline)
            {
                Assert.Equal(status, identity.Chain.Recorded);
                Assert.Equal(0, identity.Chain.Pending);
                return identity;
            }

            await Task.Delay(200);
        }
    }
}
