using Sankofa.Core.Access;

namespace Sankofa.Core.Identity;

/// <summary>
/// The chain side of identity: the IdentityRegistry contract, shared by every control plane on the chain (regions share
/// the chain, not a database), so a revocation through one is seen by all. Identity ids are Sankofa's own strings, roles
/// their names and scopes tenant ids; on chain they are keccak-256 hashes of their UTF-8 bytes. No personal data goes on
/// chain: the subject is given as a hash salted by the caller, the salt kept off chain.
/// Every write waits until it is mined and is idempotent: repeating it with the same values records nothing new
/// (<see cref="IdentityReceipt.Changed"/> is false), so a control plane can re-send after a crash. A write the contract
/// refuses throws <see cref="IdentityRefusedException"/> naming the reason; an unreachable chain throws
/// <see cref="Ledger.LedgerUnavailableException"/>, after which repeating the call is safe.
/// </summary>
public interface IIdentityLedger
{
    /// <summary>Registers an identity as <see cref="IdentityStatus.Active"/>, bound to its controller address (one identity per address).</summary>
    /// <param name="identityId">The control plane's identity id.</param>
    /// <param name="subjectHash">32-byte salted hash of the subject (for example HMAC-SHA256 keyed with a salt kept off chain); not all zero.</param>
    /// <param name="controller">The identity's own Ethereum address (0x + 40 hex digits), the address of its did:ethr.</param>
    /// <param name="cancellationToken">Cancels the wait; a transaction already sent may still land.</param>
    Task<IdentityReceipt> RegisterAsync(string identityId, byte[] subjectHash, string controller, CancellationToken cancellationToken);

    /// <summary>Suspends an Active identity (access stops, role grants are kept).</summary>
    Task<IdentityReceipt> SuspendAsync(string identityId, CancellationToken cancellationToken);

    /// <summary>Makes a suspended identity Active again.</summary>
    Task<IdentityReceipt> ReinstateAsync(string identityId, CancellationToken cancellationToken);

    /// <summary>Revokes an Active or suspended identity for good: it can never be reinstated nor registered again, and its controller address stays bound to it.</summary>
    Task<IdentityReceipt> RevokeAsync(string identityId, CancellationToken cancellationToken);

    /// <summary>Grants a role (for example <c>tenant-admin</c>) within a scope: a tenant id, or null for platform-wide.</summary>
    Task<IdentityReceipt> GrantRoleAsync(string identityId, string role, string? scope, CancellationToken cancellationToken);

    /// <summary>Takes a role within a scope (a tenant id, or null for platform-wide) from the identity, whatever its status.</summary>
    Task<IdentityReceipt> RevokeRoleAsync(string identityId, string role, string? scope, CancellationToken cancellationToken);

    /// <summary>
    /// Lets another control plane's signing key (another region sharing this chain) register identities and change them.
    /// Only the key that deployed the contract (its admin) may do this.
    /// </summary>
    /// <param name="address">The other control plane's signing address (0x + 40 hex digits).</param>
    /// <param name="cancellationToken">Cancels the wait; a transaction already sent may still land.</param>
    Task<IdentityReceipt> GrantRegistrarAsync(string address, CancellationToken cancellationToken);

    /// <summary>What the chain holds for an identity, role grants included, or null when it was never registered.</summary>
    Task<OnChainIdentity?> GetAsync(string identityId, CancellationToken cancellationToken);

    /// <summary>
    /// The status of each identity (<see cref="IdentityStatus.None"/> for unknown ones), read in one call to the chain,
    /// so a status cache can refresh many identities cheaply. The result holds every distinct id asked.
    /// </summary>
    Task<IReadOnlyDictionary<string, IdentityStatus>> GetStatusesAsync(IReadOnlyCollection<string> identityIds, CancellationToken cancellationToken);

    /// <summary>The role grants the chain holds for each identity (none for unknown ones), read in one JSON-RPC batch.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<IdentityRoleGrant>>> GetRoleGrantsAsync(IReadOnlyCollection<string> identityIds, CancellationToken cancellationToken);

    /// <summary>A grant as the chain writes it: the hashes of its role and scope.</summary>
    IdentityRoleGrant KeyOf(RoleGrant grant);

    /// <summary>Whether the identity is Active and holds the role within the scope (a tenant id, or null for platform-wide).</summary>
    Task<bool> HasRoleAsync(string identityId, string role, string? scope, CancellationToken cancellationToken);

    /// <summary>
    /// The identity a controller address belongs to (resolving a did:ethr), or null when none. The chain knows only the
    /// hash of the identity id (<see cref="OnChainIdentity.Key"/>); the caller maps it back to its own id.
    /// </summary>
    Task<OnChainIdentity?> FindByControllerAsync(string controller, CancellationToken cancellationToken);
}

/// <summary>The mined transaction that carried an identity write.</summary>
/// <param name="TransactionHash">0x-prefixed transaction hash.</param>
/// <param name="BlockNumber">Block that included it.</param>
/// <param name="Changed">False when the chain already held what was asked (a repeat), so no event was recorded.</param>
public sealed record IdentityReceipt(string TransactionHash, long BlockNumber, bool Changed);
