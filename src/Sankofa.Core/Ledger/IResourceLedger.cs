namespace Sankofa.Core.Ledger;

/// <summary>
/// The chain side of resource provisioning: the ResourceRegistry contract. Every call is idempotent — repeating a
/// transition with the same values records nothing new — so a reconciler can re-send after a crash.
/// Resource, site and host ids are Sankofa's own strings; on chain they are keccak-256 hashes of their UTF-8 bytes.
/// </summary>
public interface IResourceLedger
{
    /// <summary>Records that a resource with this spec (a 32-byte hash) was requested.</summary>
    Task<LedgerReceipt> RecordRequestedAsync(string resourceId, byte[] specHash, CancellationToken cancellationToken);

    /// <summary>Records where the resource was placed.</summary>
    Task<LedgerReceipt> RecordPlacedAsync(string resourceId, string siteId, string hostId, CancellationToken cancellationToken);

    /// <summary>
    /// Records where the resource was placed together with the site's jurisdiction (ISO 3166-1 alpha-2), the chain's
    /// record of data residency. A ledger that cannot record jurisdictions records the placement alone.
    /// </summary>
    Task<LedgerReceipt> RecordPlacedAsync(string resourceId, string siteId, string hostId, string jurisdiction, CancellationToken cancellationToken) =>
        RecordPlacedAsync(resourceId, siteId, hostId, cancellationToken);

    /// <summary>The control plane attests that the resource runs with this spec.</summary>
    Task<LedgerReceipt> RecordProvisionedAsync(string resourceId, byte[] specHash, CancellationToken cancellationToken);

    /// <summary>Relays the hosting site's signature over <see cref="AttestationDigestAsync"/>; the contract checks it against the site's key.</summary>
    Task<LedgerReceipt> RecordSiteAttestationAsync(string resourceId, byte[] specHash, byte[] signature, CancellationToken cancellationToken);

    /// <summary>
    /// Records a new requested spec for a provisioned resource (a resize): Placed again with the new hash and both
    /// attestations cleared, so it is Verified again only when both attest the new spec. A repeat records nothing new;
    /// the chain refuses it for a resource that is not provisioned.
    /// </summary>
    Task<LedgerReceipt> RecordResizedAsync(string resourceId, byte[] specHash, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the resource is to be removed (state Removing), before its VM is destroyed: a site's agent destroys
    /// no VM of a resource the chain does not record so. A repeat, or a resource already deleted, records nothing new;
    /// the chain refuses it for a resource it holds nothing of.
    /// </summary>
    Task<LedgerReceipt> RecordRemovalRequestedAsync(string resourceId, CancellationToken cancellationToken);

    /// <summary>Records that the resource was deleted.</summary>
    Task<LedgerReceipt> RecordDeletedAsync(string resourceId, CancellationToken cancellationToken);

    /// <summary>
    /// Registers the address whose signatures count as a site's attestations, with the key's own signature over
    /// <see cref="SiteKeyDigestAsync"/> (proof that its holder presented it). Refused when the site already has another
    /// key (rotate or revoke it first) or the key was ever registered before; a repeat of the current key is a no-op.
    /// </summary>
    Task<LedgerReceipt> RegisterSiteKeyAsync(string siteId, string address, byte[] proof, CancellationToken cancellationToken);

    /// <summary>The address registered for the site on chain (0x-prefixed, lower case), or <c>null</c> when it has none.</summary>
    Task<string?> GetSiteKeyAsync(string siteId, CancellationToken cancellationToken);

    /// <summary>
    /// The transaction that last registered <paramref name="address"/> for the site (its <c>SiteKeySet</c> event), or null
    /// when none did. Once a board governs the contracts a new site key is its decision, run by its timelock: the control
    /// plane then records the board's transaction rather than sending one.
    /// </summary>
    Task<LedgerReceipt?> FindSiteKeyRegistrationAsync(string siteId, string address, CancellationToken cancellationToken);

    /// <summary>
    /// What a site signs (Ethereum signed-message style) to attest a resource's spec: bound to the contract, the chain and
    /// the resource's count of accepted site attestations, so a signature is accepted at most once.
    /// </summary>
    Task<byte[]> AttestationDigestAsync(string resourceId, byte[] specHash, CancellationToken cancellationToken);

    /// <summary>
    /// Hands a site over to a new key: the current key's signature over <see cref="SiteKeyRotationDigestAsync"/>, and the
    /// new key's proof over <see cref="SiteKeyDigestAsync"/>. The control plane only relays what the keys signed.
    /// </summary>
    Task<LedgerReceipt> RotateSiteKeyAsync(string siteId, string newAddress, byte[] signatureByOldKey, byte[] proofByNewKey, CancellationToken cancellationToken);

    /// <summary>
    /// Revokes a site's key (an administrator's act on chain: the signing key must hold the registry's admin role), so its
    /// attestations fail until a new key is registered. A site without a key is left as it is.
    /// </summary>
    Task<LedgerReceipt> RevokeSiteKeyAsync(string siteId, CancellationToken cancellationToken);

    /// <summary>What a site key signs (Ethereum signed-message style) to be registered for the site: bound to the contract, the chain, the site and the key.</summary>
    Task<byte[]> SiteKeyDigestAsync(string siteId, string address, CancellationToken cancellationToken);

    /// <summary>What a site's current key signs (Ethereum signed-message style) to hand the site over to <paramref name="newAddress"/>.</summary>
    Task<byte[]> SiteKeyRotationDigestAsync(string siteId, string oldAddress, string newAddress, CancellationToken cancellationToken);

    /// <summary>What the chain holds for a resource, or <c>null</c> when it holds nothing.</summary>
    Task<OnChainResource?> GetAsync(string resourceId, CancellationToken cancellationToken);

    /// <summary>
    /// What the chain holds for a resource, for an answer to a reader: with the block it was read at when the ledger
    /// names one (the record may then come from an earlier read at that same block, which nothing can have changed).
    /// <paramref name="storeChangedAt"/> is when the store last changed the resource: a change recorded on chain by
    /// another replica is in the store only after its block, so a head learned before then is not used for it.
    /// The writers' own checks use <see cref="GetAsync"/>, the chain's latest state.
    /// </summary>
    async Task<OnChainRead> ReadAsync(string resourceId, DateTimeOffset storeChangedAt, CancellationToken cancellationToken) =>
        new(await GetAsync(resourceId, cancellationToken).ConfigureAwait(false), null);

    /// <summary>
    /// Whether the chain says the resource is Verified (provisioned, and both attestations equal the requested spec
    /// hash): the contract's own <c>isVerified</c>, one read where <see cref="GetAsync"/> takes two.
    /// </summary>
    Task<bool> IsVerifiedAsync(string resourceId, CancellationToken cancellationToken);

    /// <summary>The contract's <c>isVerified</c> for each resource, in the order given, read together.</summary>
    Task<IReadOnlyList<bool>> AreVerifiedAsync(IReadOnlyList<string> resourceIds, CancellationToken cancellationToken);

    /// <summary>The resource's key on chain (keccak-256 of the id's UTF-8 bytes): what its events carry as their indexed topic.</summary>
    byte[] ChainKeyOf(string resourceId) => throw new NotSupportedException("This ledger does not expose chain keys.");

    /// <summary>
    /// Every resource with a transition on chain after block <paramref name="afterBlock"/> (from the registry's
    /// deployment when null), found through the registry's own events (Requested, Placed, Provisioned, SiteAttested,
    /// Resized, RemovalRequested, Deleted: anyone can read the same with <c>cast logs</c>), each with its record as the
    /// chain holds it now, and the head block read up to.
    /// </summary>
    Task<ResourceChainChanges> GetChangedAfterAsync(long? afterBlock, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This ledger cannot list the registry's events.");
}

/// <summary>The transaction that carried a transition (or, for a no-op repeat, the one that found it already done).</summary>
/// <param name="TransactionHash">0x-prefixed transaction hash.</param>
/// <param name="BlockNumber">Block that included it.</param>
public sealed record LedgerReceipt(string TransactionHash, long BlockNumber);

/// <summary>Lifecycle states as the ResourceRegistry contract numbers them.</summary>
public enum OnChainResourceState
{
    /// <summary>Unknown to the chain.</summary>
    None = 0,

    /// <summary>Requested with a spec.</summary>
    Requested = 1,

    /// <summary>Placed on a site and host.</summary>
    Placed = 2,

    /// <summary>The control plane attested it runs.</summary>
    Provisioned = 3,

    /// <summary>Deleted.</summary>
    Deleted = 4,

    /// <summary>
    /// To be removed: recorded before the VM is destroyed, and what a site's agent needs to see before it destroys one.
    /// Numbered last (the contract appended it); in the lifecycle it comes before <see cref="Deleted"/>.
    /// </summary>
    Removing = 5,
}

/// <summary>What the chain holds for a resource.</summary>
/// <param name="State">Lifecycle state.</param>
/// <param name="SpecHash">Spec hash recorded at request.</param>
/// <param name="Site">keccak-256 of the site id.</param>
/// <param name="Host">keccak-256 of the host id.</param>
/// <param name="ControlPlaneAttestation">Spec hash the control plane attested (zero when none).</param>
/// <param name="SiteAttestation">Spec hash the site attested (zero when none).</param>
/// <param name="UpdatedBlock">Block of the last transition.</param>
/// <param name="Verified">Provisioned, and both attestations equal the requested spec hash.</param>
public sealed record OnChainResource(
    OnChainResourceState State, byte[] SpecHash, byte[] Site, byte[] Host,
    byte[] ControlPlaneAttestation, byte[] SiteAttestation, long UpdatedBlock, bool Verified);

/// <summary>What <see cref="IResourceLedger.ReadAsync"/> found.</summary>
/// <param name="Record">The record, or null when the chain held nothing for the resource.</param>
/// <param name="Block">The block whose state it was read at (anyone can ask the chain for the same there); null for the latest state.</param>
public sealed record OnChainRead(OnChainResource? Record, long? Block);

/// <summary>What <see cref="IResourceLedger.GetChangedAfterAsync"/> found.</summary>
/// <param name="Head">The block read up to.</param>
/// <param name="Changed">Each resource with a transition in the range, in order of its first event there.</param>
public sealed record ResourceChainChanges(long Head, IReadOnlyList<ChangedResource> Changed);

/// <summary>A resource with a transition in the range read, and its record as the chain holds it at the head.</summary>
/// <param name="ChainKey">Its key on chain (32 bytes).</param>
/// <param name="Record">Its record now.</param>
/// <param name="Events">How many of its events the range holds.</param>
public sealed record ChangedResource(byte[] ChainKey, OnChainResource Record, int Events);
