using Sankofa.Core.Agents;

namespace Sankofa.Server.Agents;

/// <summary>Body of <c>POST /api/v1/sites/{site}/agents</c>: the <c>registration.json</c> that <c>sankofa agent init</c> wrote.</summary>
/// <param name="SiteId">The site; must be the one in the path.</param>
/// <param name="Address">The site key's address.</param>
/// <param name="AgentVersion">The agent's version.</param>
/// <param name="CreatedAt">When the agent made the key.</param>
/// <param name="ChainId">The chain the signature is for; must be this control plane's.</param>
/// <param name="Registry">The ResourceRegistry the signature is for; must be this control plane's.</param>
/// <param name="Signature">0x-prefixed 65-byte EIP-191 signature by the key over the site-key digest (docs/agent.md).</param>
public sealed record RegisterAgentBody(
    string? SiteId, string? Address, string? AgentVersion, DateTimeOffset? CreatedAt, long? ChainId, string? Registry, string? Signature)
{
    internal AgentRegistration ToRegistration() => new(SiteId, Address, AgentVersion, CreatedAt, ChainId, Registry, Signature);
}

/// <summary>Body of <c>POST /api/v1/sites/{site}/agents/rotations</c>: the <c>rotation.json</c> that <c>sankofa agent rotate</c> wrote.</summary>
/// <param name="SiteId">The site; must be the one in the path.</param>
/// <param name="Address">The new key's address.</param>
/// <param name="AgentVersion">The agent's version.</param>
/// <param name="CreatedAt">When the agent made the new key.</param>
/// <param name="ChainId">The chain both signatures are for; must be this control plane's.</param>
/// <param name="Registry">The ResourceRegistry both signatures are for; must be this control plane's.</param>
/// <param name="Signature">The new key's proof of possession: its signature over the site-key digest.</param>
/// <param name="PreviousAddress">The site's approved key, handing the site over.</param>
/// <param name="RotationSignature">0x-prefixed 65-byte EIP-191 signature by the previous key over the rotation digest (docs/agent.md).</param>
public sealed record RotateAgentBody(
    string? SiteId, string? Address, string? AgentVersion, DateTimeOffset? CreatedAt, long? ChainId, string? Registry, string? Signature,
    string? PreviousAddress, string? RotationSignature)
{
    internal AgentRotation ToRotation() => new(new AgentRegistration(SiteId, Address, AgentVersion, CreatedAt, ChainId, Registry, Signature), PreviousAddress, RotationSignature);
}

/// <summary>A site agent as the API shows it.</summary>
/// <param name="SiteId">The site.</param>
/// <param name="Address">The key's address (lower-case).</param>
/// <param name="State">pending, approved or revoked.</param>
/// <param name="Version">The agent's version at registration.</param>
/// <param name="RegisteredAt">When the registration was accepted.</param>
/// <param name="RegisteredBy">Identity that submitted it.</param>
/// <param name="SignedAt">When the agent signed it (its clock).</param>
/// <param name="Proof">The key's signature over the site-key digest (0x hex).</param>
/// <param name="ApprovedAt">When it was approved.</param>
/// <param name="ApprovedBy">Identity that approved it.</param>
/// <param name="KeyTransaction">Transaction that recorded the key on chain.</param>
/// <param name="KeyBlock">Its block.</param>
/// <param name="LastSeenAt">When the agent last reported; null when never.</param>
/// <param name="RotatesFrom">For a rotation: the key it replaces.</param>
/// <param name="RotationSignature">For a rotation: the replaced key's signature over the rotation digest (0x hex).</param>
/// <param name="RetiredAt">When it was revoked or rotated away.</param>
/// <param name="RetiredBy">Identity that revoked it, or approved the rotation that replaced it.</param>
/// <param name="RetireTransaction">Transaction that took the key off chain (revokeSiteKey or rotateSiteKey); null for a key never on chain.</param>
/// <param name="RetireBlock">Its block.</param>
public sealed record AgentResponse(
    string SiteId, string Address, AgentState State, string Version, DateTimeOffset RegisteredAt, string RegisteredBy, DateTimeOffset SignedAt,
    string Proof, DateTimeOffset? ApprovedAt, string? ApprovedBy, string? KeyTransaction, long? KeyBlock, DateTimeOffset? LastSeenAt,
    string? RotatesFrom = null, string? RotationSignature = null, DateTimeOffset? RetiredAt = null, string? RetiredBy = null, string? RetireTransaction = null,
    long? RetireBlock = null)
{
    internal static AgentResponse From(SiteAgent a) => new(
        a.SiteId, a.Address, a.State, a.Version, a.RegisteredAt, a.RegisteredBy, a.SignedAt, Hex(a.Proof),
        a.ApprovedAt, a.ApprovedBy, a.KeyTransaction, a.KeyBlock, a.LastSeenAt,
        a.RotatesFrom, a.RotationSignature is { } consent ? Hex(consent) : null, a.RetiredAt, a.RetiredBy, a.RetireTransaction, a.RetireBlock);

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);
}

/// <summary>A page of site agents in registration order.</summary>
/// <param name="Items">The agents.</param>
/// <param name="Next">Cursor for the next page ('after'), or null on the last page.</param>
public sealed record AgentPageResponse(IReadOnlyList<AgentResponse> Items, long? Next)
{
    internal static AgentPageResponse From(AgentPage page) => new([.. page.Items.Select(AgentResponse.From)], page.Next);
}
