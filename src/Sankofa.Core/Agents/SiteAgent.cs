namespace Sankofa.Core.Agents;

/// <summary>Where a site agent's key stands with the control plane.</summary>
public enum AgentState
{
    /// <summary>Registered with a valid proof of possession, waiting for an administrator's approval.</summary>
    Pending,

    /// <summary>Approved: the key is recorded on chain as the site's key.</summary>
    Approved,

    /// <summary>Revoked by an administrator (on chain when it was the site's key): never approved again.</summary>
    Revoked,

    /// <summary>Handed over to a newer key by a rotation it signed: no longer the site's key, and never again.</summary>
    Rotated,
}

/// <summary>A site agent's key as the control plane knows it.</summary>
/// <param name="Seq">Order of registration (the list's cursor).</param>
/// <param name="SiteId">The site.</param>
/// <param name="Address">The key's address, lower-case 0x hex.</param>
/// <param name="Version">The agent's version when it registered.</param>
/// <param name="State">Pending, approved or revoked.</param>
/// <param name="RegisteredAt">When the registration was accepted.</param>
/// <param name="RegisteredBy">Identity that submitted it.</param>
/// <param name="SignedAt">When the agent made and signed it (its own clock).</param>
/// <param name="Proof">The key's 65-byte signature over the site-key digest (proof of possession).</param>
/// <param name="ApprovedAt">When it was approved.</param>
/// <param name="ApprovedBy">Identity that approved it.</param>
/// <param name="KeyTransaction">Transaction that recorded the key on chain.</param>
/// <param name="KeyBlock">Block of that transaction.</param>
/// <param name="LastSeenAt">When the agent last reported to the control plane.</param>
public sealed record SiteAgent(
    long Seq, string SiteId, string Address, string Version, AgentState State, DateTimeOffset RegisteredAt, string RegisteredBy,
    DateTimeOffset SignedAt, byte[] Proof, DateTimeOffset? ApprovedAt, string? ApprovedBy, string? KeyTransaction, long? KeyBlock,
    DateTimeOffset? LastSeenAt)
{
    /// <summary>For a rotation: the key (lower-case address) this one replaces, which signed <see cref="RotationSignature"/>.</summary>
    public string? RotatesFrom { get; init; }

    /// <summary>For a rotation: the old key's 65-byte signature over the rotation digest (site, old key, this key).</summary>
    public byte[]? RotationSignature { get; init; }

    /// <summary>When it was revoked or rotated away.</summary>
    public DateTimeOffset? RetiredAt { get; init; }

    /// <summary>Identity that revoked it, or approved the rotation that replaced it.</summary>
    public string? RetiredBy { get; init; }

    /// <summary>Transaction that took it off chain (revokeSiteKey or rotateSiteKey); null for a key that never was on chain.</summary>
    public string? RetireTransaction { get; init; }

    /// <summary>Block of that transaction.</summary>
    public long? RetireBlock { get; init; }
}

/// <summary>A registration as an agent wrote it (<c>registration.json</c>); every field is checked by <see cref="AgentRegistry"/>.</summary>
/// <param name="SiteId">The site, which must be the one the request is about.</param>
/// <param name="Address">The key's address.</param>
/// <param name="AgentVersion">The agent's version.</param>
/// <param name="CreatedAt">When the agent made it.</param>
/// <param name="ChainId">The chain it is signed for.</param>
/// <param name="Registry">The ResourceRegistry contract it is signed for.</param>
/// <param name="Signature">0x-prefixed 65-byte signature over the site-key digest.</param>
public sealed record AgentRegistration(
    string? SiteId, string? Address, string? AgentVersion, DateTimeOffset? CreatedAt, long? ChainId, string? Registry, string? Signature);

/// <summary>A rotation as an agent wrote it (<c>rotation.json</c>): the new key's registration and the current key's consent.</summary>
/// <param name="Registration">The new key's registration with its own proof of possession.</param>
/// <param name="PreviousAddress">The site's approved key, which hands the site over.</param>
/// <param name="RotationSignature">0x-prefixed 65-byte signature by <paramref name="PreviousAddress"/> over the rotation digest.</param>
public sealed record AgentRotation(AgentRegistration Registration, string? PreviousAddress, string? RotationSignature);

/// <summary>A list of agents as a caller asks for it.</summary>
/// <param name="SiteId">Only this site's.</param>
/// <param name="After">Only those registered after this one (the previous page's next).</param>
/// <param name="Limit">Page size, 1 to <see cref="AgentQueries.MaxPageSize"/> (default 100).</param>
public sealed record AgentListRequest(string? SiteId = null, long? After = null, int? Limit = null);

/// <summary>A page of agents in registration order.</summary>
/// <param name="Items">The agents.</param>
/// <param name="Next">Pass as <see cref="AgentListRequest.After"/> for the next page; null on the last.</param>
public sealed record AgentPage(IReadOnlyList<SiteAgent> Items, long? Next);

/// <summary>Ethereum addresses as the registry keeps them.</summary>
public static class AgentAddress
{
    /// <summary>Whether <paramref name="address"/> is a 0x-prefixed 20-byte hex address (any case).</summary>
    public static bool IsValid(string? address) =>
        address is { Length: 42 } && address.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && address[2..].All(char.IsAsciiHexDigit);

    /// <summary>The lower-case form the registry stores and compares.</summary>
    public static string Normalize(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.ToLowerInvariant();
    }
}
