namespace Sankofa.Core.Ledger;

/// <summary>Reads the state of the chain connection, for readiness checks and the ledger API.</summary>
public interface ILedgerStatus
{
    /// <summary>Asks the chain for its current height; throws <see cref="LedgerUnavailableException"/> when unreachable.</summary>
    Task<LedgerStatus> GetStatusAsync(CancellationToken cancellationToken);
}

/// <summary>A snapshot of the chain connection.</summary>
/// <param name="RpcUrl">JSON-RPC endpoint in use.</param>
/// <param name="ChainId">Chain id the endpoint reports.</param>
/// <param name="BlockNumber">Current height.</param>
/// <param name="AuditAnchorAddress">Address of the AuditAnchor contract.</param>
/// <param name="ResourceRegistryAddress">Address of the ResourceRegistry contract.</param>
/// <param name="SignerAddress">Address of the control plane's signing key.</param>
/// <param name="IdentityRegistryAddress">Address of the IdentityRegistry contract.</param>
/// <param name="Embedded">Whether Sankofa runs the chain itself (anvil) or uses a configured endpoint.</param>
/// <param name="BoardAddress">Address of the governance board (SankofaBoard) that owns the contracts, when there is one.</param>
/// <param name="TimelockAddress">Address of the board's timelock (it holds the contracts' admin role), when there is one.</param>
/// <param name="BillingAddress">SankofaBilling (its proxy): price books, invoices, balances (docs/billing.md).</param>
/// <param name="CustodyAddress">SankofaCustody (its proxy): hardware assets' custody (docs/hardware.md).</param>
public sealed record LedgerStatus(
    string RpcUrl, long ChainId, long BlockNumber, string AuditAnchorAddress, string ResourceRegistryAddress, string SignerAddress, bool Embedded, string IdentityRegistryAddress,
    string? BoardAddress = null, string? TimelockAddress = null, string? BillingAddress = null, string? CustodyAddress = null);

/// <summary>The chain could not be reached or did not answer in time; the operation may be retried.</summary>
public sealed class LedgerUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LedgerUnavailableException() { }

    /// <summary>Creates the exception with a message.</summary>
    public LedgerUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the cause.</summary>
    public LedgerUnavailableException(string message, Exception innerException) : base(message, innerException) { }
}
