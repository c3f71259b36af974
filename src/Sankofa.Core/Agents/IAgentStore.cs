using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;

namespace Sankofa.Core.Agents;

/// <summary>Storage of site agents' keys. Every change takes the audit event that records it and commits both in one transaction.</summary>
public interface IAgentStore
{
    /// <summary>Stores a new pending agent and returns it as stored (with its <see cref="SiteAgent.Seq"/>).</summary>
    /// <exception cref="StoreConflictException">The site has this key registered already.</exception>
    Task<SiteAgent> AddAsync(SiteAgent agent, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>One site's agent by its key's (lower-case) address, or null.</summary>
    Task<SiteAgent?> GetAsync(string siteId, string address, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="take"/> agents in registration order, of one site or all, after a cursor.</summary>
    Task<IReadOnlyList<SiteAgent>> ListAsync(string? siteId, long? after, int take, CancellationToken cancellationToken);

    /// <summary>Marks a pending agent approved with the transaction that recorded its key; an agent no longer pending is left as it is.</summary>
    /// <returns>The agent as stored afterwards.</returns>
    Task<SiteAgent> ApproveAsync(string siteId, string address, string approvedBy, DateTimeOffset approvedAt, LedgerReceipt receipt, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>
    /// Completes a rotation in one transaction: the pending <paramref name="newAddress"/> becomes approved with the
    /// transaction that rotated the key on chain, and the approved <paramref name="oldAddress"/> becomes rotated with the same.
    /// A new key no longer pending is left as it is (a repeat writes nothing).
    /// </summary>
    /// <returns>The new agent as stored afterwards.</returns>
    Task<SiteAgent> RotateAsync(string siteId, string newAddress, string oldAddress, string approvedBy, DateTimeOffset approvedAt, LedgerReceipt receipt, AuditEvent audit,
        CancellationToken cancellationToken);

    /// <summary>
    /// Marks a pending or approved agent revoked, with the transaction that revoked its key on chain (null for a key that
    /// never was on chain); an agent already revoked or rotated is left as it is.
    /// </summary>
    /// <returns>The agent as stored afterwards.</returns>
    Task<SiteAgent> RevokeAsync(string siteId, string address, string revokedBy, DateTimeOffset revokedAt, LedgerReceipt? receipt, AuditEvent audit,
        CancellationToken cancellationToken);

    /// <summary>Notes that the site's agent with this key reported at <paramref name="at"/> (no audit entry: it is not a change); false when no such agent is stored.</summary>
    Task<bool> SeenAsync(string siteId, string address, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>Checks a site key's proof of possession: its signature over the site-key digest (docs/agent.md).</summary>
public interface ISiteKeyProofs
{
    /// <summary>The address whose key signed the digest of (<paramref name="registry"/>, <paramref name="chainId"/>, <paramref name="siteId"/>, <paramref name="key"/>); null when the signature is none.</summary>
    string? Signer(string registry, long chainId, string siteId, string key, byte[] signature);

    /// <summary>The address whose key signed the rotation digest of (<paramref name="registry"/>, <paramref name="chainId"/>, <paramref name="siteId"/>, <paramref name="oldKey"/>, <paramref name="newKey"/>); null when the signature is none.</summary>
    string? RotationSigner(string registry, long chainId, string siteId, string oldKey, string newKey, byte[] signature);
}
