using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Hosting;

/// <summary>
/// Keeps <see cref="LedgerRuntime.Head"/> current for the record cache (<see cref="LedgerRecordCacheOptions"/>): asks for
/// the latest block every <see cref="LedgerRecordCacheOptions.HeadPollInterval"/>, and at once when a transaction of this
/// process was confirmed. Does nothing when the cache is off.
/// </summary>
internal sealed partial class ChainHeadPoller(LedgerRuntime runtime, IOptions<LedgerOptions> options, TimeProvider time, ILogger<ChainHeadPoller> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.RecordCache;
        if (!settings.Enabled)
        {
            return;
        }

        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (runtime.IsStarted)
            {
                var version = runtime.Head.Version;
                try
                {
                    var connection = runtime.Connection;
                    var askedAt = time.GetUtcNow();
                    var block = await connection.Rpc.CallAsync("eth_getBlockByNumber", stoppingToken, "latest", false).ConfigureAwait(false);
                    runtime.Head.TrySet(version, new ChainHead.Block(Hex.ToLong(block.GetProperty("number")), block.GetProperty("hash").GetString()!, runtime.Generation, askedAt));
                    failing = false;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is LedgerUnavailableException or JsonRpcException or JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
                {
                    // Without a head every read goes to the chain's latest state, as with the cache off.
                    runtime.Head.Forget();
                    if (!failing)
                    {
                        LogFailed(logger, ex.Message);
                        failing = true;
                    }
                }
            }

            using var interval = new CancellationTokenSource(settings.HeadPollInterval, time);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, interval.Token);
            await runtime.Head.WaitForMoveAsync(wait.Token).ConfigureAwait(false);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not read the chain's head block for the record cache ({Reason}); records are read at the latest block until it answers")]
    private static partial void LogFailed(ILogger logger, string reason);
}
