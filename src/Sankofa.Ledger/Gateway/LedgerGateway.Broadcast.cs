using Sankofa.Core.Ledger;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Gateway;

// Broadcasting: sends signed transactions in JSON-RPC batches and sorts what the node answered.
internal sealed partial class LedgerGateway
{
    private async Task BroadcastAsync(List<PendingTransaction> batch, CancellationToken stop)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        IReadOnlyList<JsonRpcResult> results;
        try
        {
            results = await _rpc.BatchAsync(batch.Select(p => new JsonRpcCall("eth_sendRawTransaction", p.Signed!.RawHex)).ToArray(), stop).ConfigureAwait(false);
        }
        catch (LedgerUnavailableException ex)
        {
            // The watcher re-broadcasts these with backoff; their nonces stay reserved.
            Failed("transport", ex);
            foreach (var pending in batch)
            {
                pending.LastBroadcast = now;
                pending.Attempts++;
                pending.MayBeOnChain = true; // the node may have taken it before the answer was lost
            }

            return;
        }

        var accepted = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            pending.LastBroadcast = now;
            pending.Attempts++;
            var error = results[i].Error;
            if (error is null || IsAlreadyKnown(error.Message))
            {
                if (!pending.Accepted)
                {
                    accepted++;
                }

                pending.Accepted = true;
                pending.MayBeOnChain = true;
            }
            else if (pending.IsFiller && (IsNonceTooLow(error.Message) || IsReplacement(error.Message)))
            {
                // The nonce is taken after all (mined, or another replica's transaction is in the pool): nothing to fill.
                Drop(pending);
            }
            else if (!pending.MayBeOnChain && (IsNonceTooLow(error.Message) || IsReplacement(error.Message)))
            {
                // Another transaction holds the nonce (a replica that signed it while its own broadcast was in doubt, or
                // another user of the key) and no form of this one ever reached a pool: the watcher signs it again as
                // soon as that nonce is mined. Repricing would only push the other one out.
                Log.NonceHeldElsewhere(_logger, pending.Request.OperationId, pending.Signed!.Nonce);
                pending.Stale = true;
            }
            else if (IsNonceTooLow(error.Message))
            {
                // Maybe mined already (receipt pending), maybe displaced: the watcher decides.
                pending.Stale = true;
            }
            else if (IsUnderpriced(error.Message))
            {
                Failed("underpriced", error);
                _gasPriceReadAt = DateTimeOffset.MinValue;
                pending.NeedsReprice = true;
            }
            else
            {
                Failed("rejected", error);
                Reject(pending, error);
            }
        }

        if (accepted > 0)
        {
            _metrics.Sent(accepted);
        }
    }

    private static bool IsAlreadyKnown(string message) =>
        message.Contains("already known", StringComparison.OrdinalIgnoreCase)
        || message.Contains("known transaction", StringComparison.OrdinalIgnoreCase)
        || message.Contains("already imported", StringComparison.OrdinalIgnoreCase)
        || message.Contains("already in pool", StringComparison.OrdinalIgnoreCase);

    private static bool IsNonceTooLow(string message) =>
        message.Contains("nonce too low", StringComparison.OrdinalIgnoreCase)
        || message.Contains("NONCE_TOO_LOW", StringComparison.OrdinalIgnoreCase)
        || message.Contains("nonce is too low", StringComparison.OrdinalIgnoreCase);

    private static bool IsReplacement(string message) =>
        message.Contains("replacement transaction underpriced", StringComparison.OrdinalIgnoreCase)
        || message.Contains("REPLACEMENT_UNDERPRICED", StringComparison.OrdinalIgnoreCase);

    private static bool IsUnderpriced(string message) =>
        message.Contains("underpriced", StringComparison.OrdinalIgnoreCase)
        || message.Contains("fee cap", StringComparison.OrdinalIgnoreCase)
        || message.Contains("less than block base fee", StringComparison.OrdinalIgnoreCase)
        || message.Contains("GAS_PRICE_TOO_LOW", StringComparison.OrdinalIgnoreCase);
}
