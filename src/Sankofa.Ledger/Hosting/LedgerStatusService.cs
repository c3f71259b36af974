using Sankofa.Core.Ledger;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Hosting;

/// <summary>Answers readiness checks and the ledger API with the chain's current height.</summary>
internal sealed class LedgerStatusService(LedgerRuntime runtime) : ILedgerStatus
{
    public async Task<LedgerStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var connection = runtime.Connection;
        var height = Hex.ToLong(await connection.Rpc.CallAsync("eth_blockNumber", cancellationToken).ConfigureAwait(false));
        return new LedgerStatus(connection.Rpc.Endpoint.ToString(), connection.ChainId, height, connection.AuditAnchorAddress, connection.ResourceRegistryAddress, connection.SignerAddress, connection.Embedded, connection.IdentityRegistryAddress,
            connection.Board?.Board, connection.Board?.Timelock, connection.BillingAddress,
            connection.CustodyAddress);
    }
}
