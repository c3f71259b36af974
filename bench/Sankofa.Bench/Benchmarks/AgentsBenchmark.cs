using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sankofa.Agent.Keys;
using Sankofa.Agent.Registration;
using Sankofa.Bench.Harness;
using Sankofa.Core.Access;
using Sankofa.Core.Agents;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Proxmox.Emulator;
using Sankofa.Server.AgentLink;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// Issue 13's site-agent benchmarks, all in one run. The real server in this process (SQLite, embedded anvil, the
/// reconciler, the agent link on its own HTTP/2 port) with the emulated sites (one Proxmox VE emulator cluster per site,
/// in this process too); one agent per site, each with its own key, registration approved on chain (setSiteKey), its own
/// <c>site-agent@SITE</c> service account and its own gRPC connection, run by child processes
/// (<see cref="AgentsHost"/>, <see cref="Settings.AgentsPerProcess"/> agents each), so this process's memory is the
/// server's (and the emulator's, which stays constant). Measured: the server's memory with no agent and with all linked
/// (after a full GC); the time until all are linked again after a restart of the server on the same data directory and
/// ports; dispatch latency (see <see cref="DispatchLatencies"/>); and N VMs through the agents against the same N VMs in
/// direct mode (a fresh server and emulator, no agent), same settings as <c>provision</c>.
/// </summary>
internal static class AgentsBenchmark
{
    internal sealed record Settings(int Agents, int AgentsPerProcess, int RestSamples, ProvisioningBenchmark.Settings Provisioning);

    private const string Actor = "bench:agents";

    private static readonly Caller Operator = new(Actor, "agents benchmark", [new RoleGrant(Roles.PlatformAdmin)]);

    public static async Task RunAsync(Settings s, CancellationToken ct)
    {
        var p = s.Provisioning with { Sites = s.Agents, Reads = false };
        Report.Section($"Site agents: {s.Agents} agents on one server, then {p.Vms:N0} VMs through them against direct mode");
        Report.Note($"emulator task duration {p.TaskDuration.TotalMilliseconds} ms, Proxmox task poll {p.TaskPoll.TotalMilliseconds} ms (server and agents), " +
            $"Provisioning:Concurrency {p.Concurrency}, {p.Submitters} submitters; {s.AgentsPerProcess} agents per host process; " +
            "ChainRpc:PermitsPerSecond and Burst raised to 1,000,000 (every agent reads the chain through /chain/rpc from 127.0.0.1, one rate-limit partition)");

        ProvisioningBenchmark.ProvisionRun throughAgents;
        var work = Environment.GetEnvironmentVariable("SANKOFA_BENCH_WORK") is { Length: > 0 } w ? w : Path.GetTempPath();
        await using (var fleet = await SiteFleet.StartAsync(s.Agents, p.TaskDuration))
        {
            var dataDirectory = Scratch.NewDirectory("agents-server");
            var agentsDirectory = Scratch.NewDirectory("agents-keys");
            var urls = $"http://127.0.0.1:{FreePort.Next()}";
            var settings = fleet.ServerSettings(p.Concurrency, p.TaskPoll);
            settings["AgentLink:Url"] = $"http://127.0.0.1:{FreePort.Next()}";
            settings["ChainRpc:PermitsPerSecond"] = "1000000";
            settings["ChainRpc:Burst"] = "1000000";
            var hosts = new List<Process>();
            var firstProgress = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            var server = await InProcessServer.StartAsync(dataDirectory, settings, urls);
            try
            {
                var idle = await MemoryAsync();
                Report.Note($"server idle (no agent), after full GC: RSS {idle.Rss:0.0} MiB, managed heap {idle.Heap:0.0} MiB");

                var clock = Stopwatch.StartNew();
                var agents = await SetUpAgentsAsync(server, fleet, p, agentsDirectory, s.Agents, ct);
                Report.Note($"{agents.Count} agents set up in {clock.Elapsed.TotalSeconds:0.0} s (key, registration, approval on chain, service account, agent.json)");

                clock.Restart();
                for (var i = 0; i < agents.Count; i += s.AgentsPerProcess)
                {
                    hosts.Add(await StartHostAsync(work, hosts.Count, new AgentsManifest(settings["AgentLink:Url"]!, [.. agents.Skip(i).Take(s.AgentsPerProcess)]), firstProgress));
                }

                var linked = server.Services.GetRequiredService<ConnectedAgents>();
                await UntilLinkedAsync(linked, s.Agents, TimeSpan.FromMinutes(5), ct);
                Report.Note($"all {s.Agents} agents linked {clock.Elapsed.TotalSeconds:0.0} s after their {hosts.Count} host processes were started");
                await Task.Delay(TimeSpan.FromSeconds(5), ct); // their first inventory reports are in
                var full = await MemoryAsync();
                Report.Note($"server with {s.Agents} agents linked, after full GC: RSS {full.Rss:0.0} MiB, managed heap {full.Heap:0.0} MiB");
                Report.Add(new Figure($"agents: server RSS with {s.Agents} agents linked", full.Rss, "MiB", idle.Rss, "the same server, no agent linked", null, GoalKind.AtMost));
                Report.Add(new Figure("agents: server RSS per linked agent", (full.Rss - idle.Rss) * 1024 / s.Agents, "KiB", null, null, null, GoalKind.AtMost));
                Report.Add(new Figure($"agents: server managed heap with {s.Agents} agents linked", full.Heap, "MiB", idle.Heap, "the same server, no agent linked", null, GoalKind.AtMost));
                Report.Add(new Figure("agents: server managed heap per linked agent", (full.Heap - idle.Heap) * 1024 / s.Agents, "KiB", null, null, null, GoalKind.AtMost));

                // Restart: stop the server (the agents' links break), start it again on the same data directory and ports.
                clock.Restart();
                await server.DisposeAsync();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                var stopped = clock.Elapsed;
                server = await InProcessServer.StartAsync(dataDirectory, settings, urls);
                var started = clock.Elapsed;
                linked = server.Services.GetRequiredService<ConnectedAgents>();
                await UntilLinkedAsync(linked, s.Agents, TimeSpan.FromMinutes(5), ct);
                var back = clock.Elapsed;
                Report.Note($"restart: server stopped in {stopped.TotalSeconds:0.0} s, started again in {(started - stopped).TotalSeconds:0.0} s; " +
                            $"all {s.Agents} linked again {(back - started).TotalSeconds:0.0} s after it was up ({back.TotalSeconds:0.0} s after the stop began); " +
                            "agents retry after 1 s doubling to 60 s, jittered down by up to a quarter (AgentLinkClientOptions defaults)");
                Report.Add(new Figure($"agents: time until all {s.Agents} linked again after a server restart (from the new server up)", (back - started).TotalSeconds, "s",
                    back.TotalSeconds, "from the stop, restart included", null, GoalKind.AtMost));

                using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = p.Submitters * 2 }) { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
                await AdminToken.SignInAsync(client, ct);
                var project = await ProvisioningBenchmark.NewProjectAsync(client, p.Vms + s.RestSamples, ct);

                // Dispatch at rest: one VM at a time, each after the previous one's agent started.
                for (var i = 0; i < s.RestSamples; i++)
                {
                    var before = firstProgress.Count;
                    await PostVmAsync(client, project, $"rest-{i:D3}", fleet.Sites[i * 7 % fleet.Sites.Count], ct);
                    var deadline = Stopwatch.StartNew();
                    while (firstProgress.Count == before && deadline.Elapsed < TimeSpan.FromSeconds(60))
                    {
                        await Task.Delay(20, ct);
                    }
                }

                await Task.Delay(TimeSpan.FromSeconds(3), ct); // the last ones Verified
                var atRest = firstProgress.Keys.ToHashSet(StringComparer.Ordinal);
                await DispatchFiguresAsync(server, firstProgress, atRest, $"at rest, {s.RestSamples} VMs one at a time", ct);

                throughAgents = await ProvisioningBenchmark.ProvisionAsync(p, fleet, server, client, project, ct, figures: false);
                Report.Note($"through agents: {throughAgents.Verified:N0} Verified, {throughAgents.Failed:N0} Failed of {throughAgents.Submitted:N0} in {throughAgents.Wall:0.0} s; " +
                            $"CPU {throughAgents.Cpu.TotalMilliseconds / Math.Max(1, p.Vms):0.00} ms per VM (this process + anvil; agent hosts apart: {HostsCpu(hosts).TotalMilliseconds / Math.Max(1, p.Vms):0.00} ms), " +
                            $"{throughAgents.Blocks:N0} blocks mined");
                await DispatchFiguresAsync(server, firstProgress, firstProgress.Keys.Where(k => !atRest.Contains(k)).ToHashSet(StringComparer.Ordinal),
                    $"under load, {p.Vms:N0} VMs", ct);
            }
            finally
            {
                await StopHostsAsync(hosts);
                await server.DisposeAsync();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                // The server's data directory stays (bench/run.sh clears the work directory next time): its site_work and
                // resource_events say what each agent did.
                Scratch.Delete(agentsDirectory);
            }
        }

        // The same VMs in direct mode: a fresh emulator and server, no agent, settings as `provision`.
        ProvisioningBenchmark.ProvisionRun direct;
        await using (var fleet = await SiteFleet.StartAsync(s.Agents, p.TaskDuration))
        {
            var dataDirectory = Scratch.NewDirectory("agents-direct");
            try
            {
                await using var server = await InProcessServer.StartAsync(dataDirectory, fleet.ServerSettings(p.Concurrency, p.TaskPoll));
                using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = p.Submitters * 2 }) { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
                await AdminToken.SignInAsync(client, ct);
                var project = await ProvisioningBenchmark.NewProjectAsync(client, p.Vms, ct);
                direct = await ProvisioningBenchmark.ProvisionAsync(p, fleet, server, client, project, ct, figures: false);
                Report.Note($"direct mode: {direct.Verified:N0} Verified, {direct.Failed:N0} Failed of {direct.Submitted:N0} in {direct.Wall:0.0} s; " +
                            $"CPU {direct.Cpu.TotalMilliseconds / Math.Max(1, p.Vms):0.00} ms per VM (this process + anvil), {direct.Blocks:N0} blocks mined");
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Scratch.Delete(dataDirectory);
            }
        }

        // Verified per second up to the last one Verified; when not all were, the name says how many were.
        double Complete(ProvisioningBenchmark.ProvisionRun run) => run.Rate;
        Report.Add(new Figure($"agents: {p.Vms:N0} VMs over {s.Agents} agents, Verified per second ({throughAgents.Wall:0.0} s wall, {throughAgents.Verified:N0} Verified)",
            Complete(throughAgents), "VMs/s", Complete(direct), $"direct mode, same VMs and settings, same run: {direct.Wall:0.0} s, {direct.Verified:N0} Verified",
            null, GoalKind.AtLeast, 0.8));
        Report.Add(new Figure("agents: time to Verified p50 through agents", Stats.Median(throughAgents.TimeToVerified), "s",
            Stats.Median(direct.TimeToVerified), "direct mode", null, GoalKind.AtMost));
        Report.Add(new Figure("agents: time to Verified p99 through agents", Stats.Percentile(throughAgents.TimeToVerified, 99), "s",
            Stats.Percentile(direct.TimeToVerified, 99), "direct mode", null, GoalKind.AtMost));
    }

    /// <summary>
    /// Dispatch latency of work items: from the site_work row's QueuedAt (server clock: the reconciler stored the item, just
    /// before handing it to the link) to the agent's first progress report of it entering the agent's outbox (agent host
    /// clock, same machine): the order crossed the link, waited for one of the agent's 4 work slots, and the light client
    /// proved the resource's spec hash and placement against the chain (latest header linked to the checkpoint, eth_getProof).
    /// </summary>
    private static async Task DispatchFiguresAsync(InProcessServer server, ConcurrentDictionary<string, DateTimeOffset> firstProgress, HashSet<string> workIds, string what, CancellationToken ct)
    {
        var store = server.Services.GetRequiredService<ISiteWorkStore>();
        var latencies = new List<double>();
        foreach (var id in workIds)
        {
            if (await store.GetAsync(id, ct) is { } item)
            {
                latencies.Add((firstProgress[id] - item.QueuedAt).TotalMilliseconds);
            }
        }

        Report.Note($"dispatch {what}: {latencies.Count:N0} work items (max {(latencies.Count > 0 ? latencies.Max() : double.NaN):0} ms)");
        Report.Add(new Figure($"agents: dispatch latency p50, {what}", Stats.Median(latencies), "ms", null, null, null, GoalKind.AtMost));
        Report.Add(new Figure($"agents: dispatch latency p99, {what}", Stats.Percentile(latencies, 99), "ms", null, null, null, GoalKind.AtMost));
    }

    /// <summary>Each agent as an operator brings it up (as `sankofa up` does, src/Sankofa.Cli/Up/UpAgents.cs), 16 at a time.</summary>
    private static async Task<List<HostedAgent>> SetUpAgentsAsync(
        InProcessServer server, SiteFleet fleet, ProvisioningBenchmark.Settings p, string root, int count, CancellationToken ct)
    {
        var registry = server.Services.GetRequiredService<AgentRegistry>();
        var accounts = server.Services.GetRequiredService<AccountService>();
        var issuer = server.Services.GetRequiredService<Sankofa.Core.Identity.IServiceClientRegistry>();
        var chain = await server.Services.GetRequiredService<ILedgerStatus>().GetStatusAsync(ct);
        var clients = fleet.Emulator.ClientSettings(p.TaskPoll, taskTimeout: TimeSpan.FromMinutes(2));
        var agents = new ConcurrentDictionary<string, HostedAgent>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(fleet.Sites.Take(count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (site, token) =>
        {
            var directory = Path.Combine(root, site);
            var request = await AgentInit.RunAsync(site, directory, _ => Task.FromResult(new ChainBinding(chain.ChainId, chain.ResourceRegistryAddress)), TimeProvider.System, token);
            var registered = await registry.RegisterAsync(Operator, Actor, site,
                new AgentRegistration(request.SiteId, request.Address, request.AgentVersion, request.CreatedAt, request.ChainId, request.Registry, request.Signature), token);
            _ = registered.Value ?? throw new InvalidOperationException($"Registering {site}'s agent failed: {registered.Error?.Message}");
            if ((await registry.ApproveAsync(Operator, Actor, site, request.Address.ToLowerInvariant(), token)).Error is { } error)
            {
                throw new InvalidOperationException($"Approving {site}'s agent failed: {error.Message}");
            }

            var created = await accounts.CreateServiceAsync(Actor, "agent-" + site, [$"{Roles.SiteAgent}@{site}"], token);
            var account = created.Value ?? throw new InvalidOperationException($"Creating {site}'s agent account failed: {created.Error?.Message}");
            // As POST /api/v1/accounts/services does: the issuer knows the client only once it is registered with it.
            await issuer.RegisterAsync(account.Account.Id, account.Account.Name, account.ClientSecret!, token);
            await File.WriteAllTextAsync(Path.Combine(directory, "client-secret"), account.ClientSecret!, token);
            var proxmox = new JsonObject();
            var prefix = $"Proxmox:Clusters:{site}:";
            foreach (var (key, value) in clients.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)))
            {
                proxmox[key[prefix.Length..]] = value;
            }

            agents[site] = new HostedAgent(site, directory, account.Account.Id);
            await File.WriteAllTextAsync(Path.Combine(directory, "agent.json"), new JsonObject { ["Agent"] = new JsonObject { ["Proxmox"] = proxmox } }.ToJsonString(), token);
        });

        // The light client's checkpoint: the newest block once every key is on chain, read through the server as `up` does.
        var (number, hash) = await CheckpointAsync(server.Address, ct);
        var rpc = new Uri(server.Address, "chain/rpc").ToString();
        foreach (var agent in agents.Values)
        {
            var file = Path.Combine(agent.Directory, "agent.json");
            var json = JsonNode.Parse(await File.ReadAllTextAsync(file, ct))!;
            json["Agent"]!["Chain"] = new JsonObject { ["RpcUrl"] = rpc, ["CheckpointNumber"] = number, ["CheckpointHash"] = hash };
            await File.WriteAllTextAsync(file, json.ToJsonString(), ct);
        }

        return [.. fleet.Sites.Take(count).Select(site => agents[site])];
    }

    private static async Task<(long Number, string Hash)> CheckpointAsync(Uri server, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = server };
        using var response = await http.PostAsJsonAsync("chain/rpc", new { jsonrpc = "2.0", id = 1, method = "eth_getBlockByNumber", @params = new object[] { "latest", false } }, ct);
        var block = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("result");
        return (Convert.ToInt64(block.GetProperty("number").GetString()![2..], 16), block.GetProperty("hash").GetString()!);
    }

    private static async Task<Process> StartHostAsync(string work, int index, AgentsManifest manifest, ConcurrentDictionary<string, DateTimeOffset> firstProgress)
    {
        var manifestPath = Path.Combine(work, $"agents-host-{index}.json");
        await File.WriteAllTextAsync(manifestPath, JsonSerializer.Serialize(manifest));
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        info.ArgumentList.Add("agents-host");
        info.ArgumentList.Add("--manifest");
        info.ArgumentList.Add(manifestPath);
        var process = Process.Start(info)!;
        var log = new StreamWriter(Path.Combine(work, $"agents-host-{index}.log"), append: false) { AutoFlush = true };
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            var parts = line.Split(' ');
            if (parts is ["first", var workId, var ms])
            {
                firstProgress.TryAdd(workId, DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(ms, CultureInfo.InvariantCulture)));
            }
            else if (parts is ["ready", _])
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (log)
                {
                    log.WriteLine(line);
                }
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"agents host {index} exited ({process.ExitCode}); see {work}/agents-host-{index}.log"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromMinutes(2));
        return process;
    }

    private static async Task StopHostsAsync(List<Process> hosts)
    {
        foreach (var host in hosts)
        {
            try
            {
                host.StandardInput.Close(); // the host stops its agents when its stdin closes
                await host.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or IOException)
            {
                try
                {
                    host.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }
            }

            host.Dispose();
        }
    }

    private static TimeSpan HostsCpu(List<Process> hosts)
    {
        var total = TimeSpan.Zero;
        foreach (var host in hosts)
        {
            try
            {
                host.Refresh();
                total += host.TotalProcessorTime;
            }
            catch (InvalidOperationException)
            {
            }
        }

        return total;
    }

    private static async Task UntilLinkedAsync(ConnectedAgents linked, int count, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var lastNote = TimeSpan.Zero;
        while (linked.All.Count < count)
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"only {linked.All.Count} of {count} agents linked after {limit.TotalSeconds:0} s");
            }

            if (clock.Elapsed - lastNote > TimeSpan.FromSeconds(10))
            {
                lastNote = clock.Elapsed;
                Report.Note($"t+{clock.Elapsed.TotalSeconds:0} s: {linked.All.Count} of {count} linked");
            }

            await Task.Delay(50, ct);
        }
    }

    private static async Task PostVmAsync(HttpClient client, string project, string name, string site, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync("api/v1/resources", new
        {
            projectId = project, name, vcpu = 1, ramMiB = 512, diskGiB = 10, template = "debian-12-cloud",
            sshKeys = new[] { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKq0 ops@example" }, cloudInitUser = "ops", siteId = site,
        }, ct);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST resource: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    /// <summary>This process's resident set and managed heap after a full, compacting GC: the median of three samples a second apart.</summary>
    private static async Task<(double Rss, double Heap)> MemoryAsync()
    {
        var rss = new List<double>();
        var heap = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            heap.Add(GC.GetTotalMemory(false) / 1048576.0);
            rss.Add(ProcFs.ResidentMegabytes(Environment.ProcessId) ?? double.NaN);
        }

        return (Stats.Median(rss), Stats.Median(heap));
    }
}
