using Sankofa.Core.Ledger;

namespace Sankofa.Core.Hardware;

/// <summary>
/// A custody event to record, as its parties sign it (docs/hardware.md). Which fields count depends on
/// <paramref name="Kind"/>: the asset hash for a registration, the receiver for a transfer, the outcome for an
/// inspection, site and host for an installation; the document hash always (the certificate of a decommission).
/// </summary>
/// <param name="AssetId">The asset.</param>
/// <param name="Kind">What happens.</param>
/// <param name="DocumentHash">SHA-256 of its off-chain document, 32 bytes.</param>
/// <param name="AssetHash">The asset's canonical hash (<see cref="Asset.Hash"/>), for a registration.</param>
/// <param name="To">The receiving identity, for a transfer.</param>
/// <param name="Passed">The outcome, for an inspection.</param>
/// <param name="SiteId">The site, for an installation.</param>
/// <param name="HostId">The host, for an installation.</param>
public sealed record CustodyAction(
    string AssetId, CustodyEventKind Kind, byte[] DocumentHash, byte[]? AssetHash = null, string? To = null, bool? Passed = null, string? SiteId = null,
    string? HostId = null);

/// <summary>What the chain holds for an asset.</summary>
/// <param name="AssetHash">Its canonical hash as registered.</param>
/// <param name="Custodian">keccak-256 of the custodian identity's id.</param>
/// <param name="Site">keccak-256 of the installation site's id (zero when not installed).</param>
/// <param name="Host">keccak-256 of the installation host's id (zero when not installed).</param>
/// <param name="Events">How many custody events it has.</param>
/// <param name="State">1 held, 2 installed, 3 decommissioned.</param>
/// <param name="InspectionFailed">Whether the last inspection failed.</param>
public sealed record OnChainAsset(byte[] AssetHash, byte[] Custodian, byte[] Site, byte[] Host, long Events, int State, bool InspectionFailed);

/// <summary>
/// SankofaCustody on the chain: what the parties sign, relaying their signatures, and reads. A refusal by the contract
/// (or a signature by the wrong party) is a <see cref="CustodyRefusedException"/> naming the reason.
/// </summary>
public interface ICustodyLedger
{
    /// <summary>The EIP-712 digest (no prefix) the parties sign for <paramref name="action"/> as the asset's next event.</summary>
    Task<byte[]> DigestAsync(CustodyAction action, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <paramref name="signature"/> over <paramref name="digest"/> comes from the controller key of identity
    /// <paramref name="identityId"/>, as IdentityRegistry says.
    /// </summary>
    Task<bool> SignedByAsync(byte[] digest, byte[] signature, string identityId, CancellationToken cancellationToken);

    /// <summary>
    /// Relays the signed event: one signature (the supplier's, inspector's or custodian's), or for a transfer the sender's
    /// then the receiver's. Returns the transaction and the event's sequence.
    /// </summary>
    Task<(LedgerReceipt Receipt, long Sequence)> RecordAsync(CustodyAction action, IReadOnlyList<byte[]> signatures, CancellationToken cancellationToken);

    /// <summary>The asset as the chain holds it, or null when never registered.</summary>
    Task<OnChainAsset?> GetAssetAsync(string assetId, CancellationToken cancellationToken);
}

/// <summary>SankofaCustody refused an event, or a signature is not the named party's; <see cref="Reason"/> names why.</summary>
public sealed class CustodyRefusedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public CustodyRefusedException() { }

    /// <summary>Creates the exception.</summary>
    public CustodyRefusedException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public CustodyRefusedException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with the contract's error name.</summary>
    public CustodyRefusedException(string reason, string message) : base(message) => Reason = reason;

    /// <summary>The contract's error name (NotCustodian, NotReceiver…), or WrongSigner.</summary>
    public string? Reason { get; }
}
