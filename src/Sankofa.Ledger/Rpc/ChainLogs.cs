using System.Text.Json;

namespace Sankofa.Ledger.Rpc;

/// <summary>
/// <c>eth_getLogs</c> over a block range of any length, asked in spans a node accepts: Besu refuses ranges longer than
/// its <c>--rpc-max-logs-range</c>, so a read from a contract's deployment to the head goes in steps of
/// <see cref="MaxBlocksPerCall"/>.
/// </summary>
internal static class ChainLogs
{
    /// <summary>Blocks per call: within Besu's default cap.</summary>
    public const long MaxBlocksPerCall = 1_000;

    /// <summary>The logs of <paramref name="address"/> matching <paramref name="topics"/> in blocks [<paramref name="from"/>, <paramref name="to"/>], in chain order.</summary>
    public static async Task<IReadOnlyList<JsonElement>> GetAsync(
        JsonRpcClient rpc, string address, object[] topics, long from, long to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        var logs = new List<JsonElement>();
        for (var start = Math.Max(0, from); start <= to; start += MaxBlocksPerCall)
        {
            var end = Math.Min(to, start + MaxBlocksPerCall - 1);
            var answer = await rpc.CallAsync("eth_getLogs", cancellationToken,
                new { address, fromBlock = Hex.Quantity(start), toBlock = Hex.Quantity(end), topics }).ConfigureAwait(false);
            logs.AddRange(answer.EnumerateArray().Select(l => l.Clone()));
        }

        return logs;
    }

    /// <summary>The chain's head block number.</summary>
    public static async Task<long> HeadAsync(JsonRpcClient rpc, CancellationToken cancellationToken) =>
        Hex.ToLong(await rpc.CallAsync("eth_blockNumber", cancellationToken).ConfigureAwait(false));
}
