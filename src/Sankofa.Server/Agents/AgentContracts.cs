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
public sealed record AgentResponse(
    string SiteId, string Address, AgentState State, string Version, DateTimeOffset RegisteredAt, string RegisteredBy, DateTimeOffset SignedAt,
    string Proof, DateTimeOffset? ApprovedAt, string? ApprovedBy, string? KeyTransaction, long? KeyBlock, DateTimeOffset? LastSeenAt)
{
    internal static AgentResponse From(SiteAgent a) => new(
        a.SiteId, a.Address, a.State, a.Version, a.RegisteredAt, a.RegisteredBy, a.SignedAt, "0x" + Convert.ToHexStringLower(a.Proof),
        a.ApprovedAt, a.ApprovedBy, a.KeyTransaction, a.KeyBlock, a.LastSeenAt);
}

/// <summary>A page of site agents in registration order.</summary>
/// <param name="Items">The agents.</param>
/// <param name="Next">Cursor for the next page ('after'), or null on the last page.</param>
public sealed record AgentPageResponse(IReadOnlyList<AgentResponse> Items, long? Next)
{
    internal static AgentPageResponse From(AgentPage page) => new([.. page.Items.Select(AgentResponse.From)], page.Next);
}
