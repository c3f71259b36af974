namespace Sankofa.Core.Hardware;

/// <summary>The kinds of custody event, in SankofaCustody's order (its <c>Kind</c> enum).</summary>
public enum CustodyEventKind
{
    /// <summary>The supplier registers the asset and holds it.</summary>
    Registration,

    /// <summary>The custodian hands it to another party; both sign.</summary>
    Transfer,

    /// <summary>An inspector records an inspection or attestation (firmware measured, tamper seal intact), passed or failed.</summary>
    Inspection,

    /// <summary>The custodian installs it at a site and host.</summary>
    Installation,

    /// <summary>The custodian decommissions it, with a media-destruction certificate; nothing follows.</summary>
    Decommission,
}

/// <summary>Where the chain recorded something: the transaction and its block.</summary>
/// <param name="TransactionHash">0x-prefixed transaction hash.</param>
/// <param name="BlockNumber">Its block.</param>
public sealed record ChainRecord(string TransactionHash, long BlockNumber);

/// <summary>
/// One event of an asset's custody, as the control plane stored it after the chain accepted it (its
/// <see cref="Chain"/> record). Parties are identity ids; on chain they are keccak-256 hashes of these ids.
/// </summary>
/// <param name="AssetId">The asset.</param>
/// <param name="Sequence">0 for the registration, then 1, 2… as on chain.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Actor">Who signed: the supplier, the sender of a transfer, the inspector, or the custodian.</param>
/// <param name="Counterparty">The receiver of a transfer; null otherwise.</param>
/// <param name="DocumentHash">SHA-256 of the off-chain document (packing list, photo, report, certificate), 32 bytes.</param>
/// <param name="Passed">An inspection's outcome; null otherwise.</param>
/// <param name="SiteId">The site of an installation; null otherwise.</param>
/// <param name="HostId">The host of an installation; null otherwise.</param>
/// <param name="RecordedAt">When the control plane stored it.</param>
/// <param name="Chain">The transaction that recorded it.</param>
public sealed record CustodyEvent(
    string AssetId, long Sequence, CustodyEventKind Kind, string Actor, string? Counterparty, byte[] DocumentHash, bool? Passed, string? SiteId,
    string? HostId, DateTimeOffset RecordedAt, ChainRecord Chain);
