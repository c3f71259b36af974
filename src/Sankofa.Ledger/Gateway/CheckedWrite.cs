using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Gateway;

/// <summary>
/// A write to a contract whose refusals are named, not found later in a failed block (SankofaBilling, SankofaCustody):
/// its cost depends on the parties' records on chain, so the gas is estimated each time — which also runs the call, so a
/// refusal names its reason and nothing is sent — with a quarter to spare; when the block reverts it all the same (the
/// state changed between the check and the block), checking again names why.
/// </summary>
internal static class CheckedWrite
{
    /// <summary>Sends <paramref name="data"/> to <paramref name="contract"/> through the gateway, once checked.</summary>
    /// <param name="connection">The ledger.</param>
    /// <param name="contract">The contract's address.</param>
    /// <param name="contractName">Its name, for the error of a revert in the block.</param>
    /// <param name="requestId">The gateway's id of this write.</param>
    /// <param name="action">What is written, for errors.</param>
    /// <param name="data">The call data.</param>
    /// <param name="refused">The contract's refusal (a revert the estimate met) as the exception to throw.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public static async Task<TransactionReceipt> SendAsync(
        LedgerConnection connection, string contract, string contractName, string requestId, string action, byte[] data,
        Func<JsonRpcException, Exception> refused, CancellationToken cancellationToken)
    {
        var gas = await CheckAsync(connection, contract, data, refused, cancellationToken).ConfigureAwait(false);
        var receipt = await connection.Gateway.SendAsync(new TransactionRequest(requestId, contract, data, gas + (gas / 4)), cancellationToken).ConfigureAwait(false);
        if (!receipt.Succeeded)
        {
            await CheckAsync(connection, contract, data, refused, cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException($"{contractName} reverted {action} in transaction {receipt.TransactionHash}.");
        }

        return receipt;
    }

    private static async Task<long> CheckAsync(
        LedgerConnection connection, string contract, byte[] data, Func<JsonRpcException, Exception> refused, CancellationToken cancellationToken)
    {
        try
        {
            return Hex.ToLong(await connection.Rpc.CallAsync("eth_estimateGas", cancellationToken, new { from = connection.SignerAddress, to = contract, data = Hex.Bytes(data) })
                .ConfigureAwait(false));
        }
        catch (JsonRpcException ex) when (ex.IsRevert)
        {
            throw refused(ex);
        }
    }
}
