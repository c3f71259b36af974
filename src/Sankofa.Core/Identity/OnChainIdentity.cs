using Sankofa.Core.Access;
namespace Sankofa.Core.Identity;

/// <summary>Identity statuses as the IdentityRegistry contract numbers them; only <see cref="Active"/> grants access.</summary>
public enum IdentityStatus
{
    /// <summary>Unknown to the chain.</summary>
    None = 0,

    /// <summary>Registered and allowed to act.</summary>
    Active = 1,

    /// <summary>Temporarily barred; can be reinstated.</summary>
    Suspended = 2,

    /// <summary>Barred for good.</summary>
    Revoked = 3,
}

/// <summary>The status as the API, the store and messages write it.</summary>
public static class IdentityStatusWords
{
    /// <summary><c>none</c>, <c>active</c>, <c>suspended</c> or <c>revoked</c>.</summary>
    public static string ToWord(this IdentityStatus status) => status.ToString().ToLowerInvariant();
}

/// <summary>What the chain holds for an identity.</summary>
/// <param name="Key">The identity's on-chain key: keccak-256 of its id.</param>
/// <param name="SubjectHash">The salted subject hash given at registration.</param>
/// <param name="Controller">The identity's Ethereum address, 0x-prefixed lower-case hex.</param>
/// <param name="Status">Current status.</param>
/// <param name="UpdatedBlock">Block of the last change (registration, status or role grant).</param>
/// <param name="Roles">Role grants, kept whatever the status (they count only while Active).</param>
public sealed record OnChainIdentity(
    byte[] Key, byte[] SubjectHash, string Controller, IdentityStatus Status, long UpdatedBlock, IReadOnlyList<IdentityRoleGrant> Roles);

/// <summary>A role within a scope, as hashes: keccak-256 of the role name, and of the tenant id (all zero for platform-wide).</summary>
/// <param name="Role">keccak-256 of the role name.</param>
/// <param name="Scope">keccak-256 of the tenant id, or 32 zero bytes for platform-wide.</param>
public sealed record IdentityRoleGrant(byte[] Role, byte[] Scope);
