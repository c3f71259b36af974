using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Sankofa.Agent.Keys;
using Sankofa.Agent.LightClient;
using Sankofa.Agent.Link;
using Sankofa.Agent.Protocol;
using Sankofa.Agent.Registration;
using Sankofa.Agent.Work;
using Sankofa.Proxmox.Api;
using Sankofa.Proxmox.Provisioning;

namespace Sankofa.Bench.Benchmarks;

/// <summary>One agent the host runs: its directory (key, registration.json, agent.json, client-secret) and its service account.</summary>
internal sealed record HostedAgent(string Site, string Directory, string ClientId);

/// <summary>What an agents host is given: where to link and which agents to run.</summary>
internal sealed record AgentsManifest(string Link, IReadOnlyList<HostedAgent> Agents);

/// <summary>
/// <c>Sankofa.Bench agents-host --manifest FILE</c>: many site agents in one process, each built as
/// <c>sankofa agent run</c> builds its one (src/Sankofa.Cli/Agent/AgentCommand.cs): its own key, light client, Proxmox
/// client, work runner and link client, so its own gRPC connection and its own token. The benchmark starts a few of these
/// so the server's process holds only the server. On stdout: <c>first WORKID UNIXMS</c> when an agent's first progress
/// report of a work item enters its outbox (the runner's step <c>checked</c>, after the light client proved the order);
/// logs go to stderr. Stops when stdin closes (the benchmark ended or died).
/// </summary>
internal static class AgentsHost
{
    public static async Task<int> RunAsync(string manifestPath)
    {
        var manifest = JsonSerializer.Deserialize<AgentsManifest>(await File.ReadAllTextAsync(manifestPath))!;
        using var stop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            while (await Console.In.ReadLineAsync() is not null)
            {
            }

            await stop.CancelAsync();
        });

        // Only the benchmark's own lines on stdout; logs go to stderr (the benchmark keeps them in agents-host-N.log).
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        using var logging = LoggerFactory.Create(b => b
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning));
        var lines = new BlockingCollection<string>();
        var writer = Task.Factory.StartNew(() =>
        {
            foreach (var line in lines.GetConsumingEnumerable())
            {
                stdout.WriteLine(line);
                stdout.Flush();
            }
        }, TaskCreationOptions.LongRunning);

        var disposables = new List<IDisposable>();
        var running = new List<Task>();
        foreach (var hosted in manifest.Agents)
        {
            var registration = JsonSerializer.Deserialize<RegistrationRequest>(
                await File.ReadAllTextAsync(Path.Combine(hosted.Directory, RegistrationRequest.FileName)), RegistrationRequest.Json)!;
            var settings = AgentWorkSettings.Read(
                new ConfigurationBuilder().AddJsonFile(Path.Combine(hosted.Directory, AgentWorkSettings.FileName), optional: false).Build(), registration.ChainId);
            var options = new AgentLinkClientOptions
            {
                Site = registration.SiteId,
                ClientId = hosted.ClientId,
                ClientSecret = (await File.ReadAllTextAsync(Path.Combine(hosted.Directory, "client-secret"))).Trim(),
                ReportInterval = settings.ReportInterval,
                OutboxDirectory = Path.Combine(hosted.Directory, "outbox"), // as `sankofa agent run` keeps it
            };
            options.Servers.Add(new Uri(manifest.Link));
            var proxmox = new ProxmoxSite(registration.SiteId, settings.Proxmox, TimeProvider.System, logging.CreateLogger<ProxmoxClient>());
            var rpc = new ChainRpcClient(settings.Chain.RpcUrl!, settings.Chain.RpcTimeout);
            disposables.Add(proxmox);
            disposables.Add(rpc);
            var chainOptions = Microsoft.Extensions.Options.Options.Create(settings.Chain);
            var chain = new ChainLightClient(rpc, new HeaderVerifier(rpc, chainOptions, logging.CreateLogger<HeaderVerifier>()), chainOptions);
            var keys = SiteKeys.LoadFrom(hosted.Directory, chain, registration.Registry, registration.SiteId, logging.CreateLogger<SiteKeys>());
            var runner = new WorkRunner(
                new WorkRunnerOptions { Site = registration.SiteId, Registry = registration.Registry, ChainId = registration.ChainId, MaxConcurrentWork = settings.MaxConcurrentWork },
                proxmox.Provider, proxmox.Observer, chain, keys, logging.CreateLogger<WorkRunner>());
            var client = new AgentLinkClient(options, keys, TimeProvider.System, logging.CreateLogger<AgentLinkClient>(), runner, new SiteInventory(proxmox.Provider, TimeProvider.System));
            running.Add(client.RunAsync(stop.Token));
            running.Add(WatchAsync(client.Outbox, lines, stop.Token));
        }

        lines.Add($"ready {manifest.Agents.Count}");
        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lines.CompleteAdding();
        await writer;
        foreach (var disposable in disposables)
        {
            disposable.Dispose();
        }

        return 0;
    }

    /// <summary>Notes the first progress report of each work item as it enters the outbox (before it is sent).</summary>
    private static async Task WatchAsync(ReportOutbox outbox, BlockingCollection<string> lines, CancellationToken cancellationToken)
    {
        var seen = 0UL;
        var noted = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (var report in outbox.After(seen))
                {
                    seen = Math.Max(seen, report.Sequence);
                    if (report.BodyCase == AgentMessage.BodyOneofCase.Progress && noted.Add(report.Progress.WorkId))
                    {
                        lines.Add($"first {report.Progress.WorkId} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}");
                    }
                }

                await outbox.WaitAfterAsync(seen, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
