using Prometheus;

namespace Sankofa.Server.Hosting;

/// <summary>
/// prometheus-net starts listening to .NET meters only at its first collection (prometheus-net issue #487), so
/// anything measured before the first scrape — the contract deployment, the first anchors — would be lost. One
/// collection at start, before the other hosted services run, starts the listener.
/// </summary>
internal sealed class MetricsBootstrap : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        Metrics.DefaultRegistry.CollectAndExportAsTextAsync(Stream.Null, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
