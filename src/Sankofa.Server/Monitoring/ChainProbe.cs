using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Prometheus;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Server.Monitoring;

/// <summary>
/// Asks the chain for its head block every <see cref="MonitoringOptions.ChainProbeInterval"/>, through the same
/// read-only path third parties use: whether it answered, the head's number, and how old the head is (a chain that
/// answers but mines no blocks is stalled). The age is computed at each scrape from the head's own timestamp.
/// </summary>
internal sealed partial class ChainProbe(ReadOnlyRpc rpc, IOptions<MonitoringOptions> options, TimeProvider time, ILogger<ChainProbe> logger)
    : BackgroundService
{
    private static readonly Gauge Up = Metrics.CreateGauge(
        "sankofa_chain_up", "1 when the last probe of the chain (its head block) got an answer, 0 when the chain was unreachable.",
        new GaugeConfiguration { SuppressInitialValue = true });

    private static readonly Gauge HeadBlock = Metrics.CreateGauge(
        "sankofa_chain_head_block", "Number of the chain's head block at the last successful probe.", new GaugeConfiguration { SuppressInitialValue = true });

    private static readonly Gauge HeadAge = Metrics.CreateGauge(
        "sankofa_chain_head_age_seconds", "Seconds since the timestamp of the newest head block seen (grows while the chain mines nothing or cannot be reached).",
        new GaugeConfiguration { SuppressInitialValue = true });

    // The newest head's timestamp (Unix seconds) as ticks of a long: read at every scrape, written by the probe.
    private long headTimestamp = -1;

    /// <summary>Sets the head's age just before a scrape reads it.</summary>
    public void BeforeScrape()
    {
        if (Interlocked.Read(ref headTimestamp) is >= 0 and var seconds)
        {
            HeadAge.Set(Math.Max(0, time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0 - seconds));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.ChainProbeInterval, time);
        try
        {
            do
            {
                await ProbeAsync(settings.ChainProbeTimeout, stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ProbeAsync(TimeSpan timeout, CancellationToken stoppingToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(timeout);
        var call = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "eth_getBlockByNumber", ["params"] = new JsonArray("latest", false) };
        try
        {
            var answer = await rpc.AnswerAsync(call, 1, deadline.Token);
            if (answer["result"] is not JsonObject block || Quantity(block["number"]) is not { } number || Quantity(block["timestamp"]) is not { } timestamp)
            {
                throw new FormatException($"the chain answered eth_getBlockByNumber without a block: {Clip(answer.ToJsonString())}");
            }

            HeadBlock.Set(number);
            Interlocked.Exchange(ref headTimestamp, timestamp);
            Up.Set(1);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Anything short of a head block counts as unreachable: the node down, not yet started, or answering nonsense.
            LogUnreachable(logger, ex.Message);
            Up.Set(0);
        }

        BeforeScrape();
    }

    private static long? Quantity(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.StartsWith("0x", StringComparison.Ordinal)
        && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string Clip(string text) => text.Length <= 200 ? text : text[..200];

    [LoggerMessage(Level = LogLevel.Warning, Message = "The chain did not answer its health probe: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);
}
