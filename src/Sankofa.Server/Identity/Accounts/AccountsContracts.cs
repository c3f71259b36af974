using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Identity.Credentials;

namespace Sankofa.Server.Identity.Accounts;

/// <summary>Body of <c>POST /api/v1/identities/users</c>.</summary>
/// <param name="UserName">3–64 lower-case letters, digits, '.', '_', '-', starting with a letter; unique among users and services.</param>
/// <param name="Password">At least 12 characters, not the user name; omitted: one is generated, returned once, and must be changed at first sign-in.</param>
/// <param name="Roles">Role grants written <c>role</c> or <c>role@scope</c>, e.g. <c>tenant-admin@acme</c>.</param>
/// <param name="Email">Optional e-mail address, kept encrypted under the user's own key (docs/personal-data.md).</param>
/// <param name="DisplayName">Optional display name, kept likewise.</param>
public sealed record CreateUserBody(string? UserName, string? Password, IReadOnlyList<string>? Roles, string? Email = null, string? DisplayName = null)
{
    /// <summary>Leaves the password out, so an accidental log line cannot carry it.</summary>
    public override string ToString() => $"CreateUserBody({UserName})";
}

/// <summary>Body of <c>POST /api/v1/identities/services</c>.</summary>
/// <param name="ClientId">The service's client id (same rules as user names).</param>
/// <param name="Roles">Role grants, e.g. <c>site-agent@edge-001</c>.</param>
public sealed record CreateServiceBody(string? ClientId, IReadOnlyList<string>? Roles);

/// <summary>Body of <c>POST /api/v1/identities/{id}/roles</c>.</summary>
/// <param name="Role">The role, e.g. <c>operator</c>, or the whole grant <c>operator@acme</c>.</param>
/// <param name="Scope">The tenant or site id, when not written in <paramref name="Role"/>; none for platform-wide roles.</param>
public sealed record RoleBody(string? Role, string? Scope);

/// <summary>Body of <c>POST /api/v1/identities/password</c>.</summary>
/// <param name="UserName">Whose password.</param>
/// <param name="CurrentPassword">The password now (the one-time password for the first administrator).</param>
/// <param name="NewPassword">At least 12 characters, not the user name, not the current password.</param>
public sealed record ChangePasswordBody(string? UserName, string? CurrentPassword, string? NewPassword)
{
    /// <summary>Leaves the passwords out, so an accidental log line cannot carry them.</summary>
    public override string ToString() => $"ChangePasswordBody({UserName})";
}

/// <summary>An identity: its account here, its chain sync state, and what the chain holds.</summary>
/// <param name="Id">usr-… or svc-…: the on-chain identity id and the tokens' subject.</param>
/// <param name="Kind">user or service.</param>
/// <param name="Name">User name or client id.</param>
/// <param name="Status">active, suspended or revoked, as decided here.</param>
/// <param name="Roles">Role grants as claims: <c>role</c> or <c>role@scope</c>.</param>
/// <param name="MustChangePassword">The password is a one-time one.</param>
/// <param name="Controller">The identity's Ethereum address.</param>
/// <param name="Did">did:ethr:&lt;chain id hex&gt;:&lt;controller&gt;, when the chain id could be read.</param>
/// <param name="CreatedAt">When created.</param>
/// <param name="UpdatedAt">When last changed.</param>
/// <param name="Chain">What this control plane has recorded on chain and what waits.</param>
/// <param name="OnChain">What the IdentityRegistry holds now (single reads only), or null when not registered (yet).</param>
/// <param name="OnChainError">Why the chain could not be read, when it could not.</param>
/// <param name="Personal">A single read's personal fields, opened (<c>email</c>, <c>displayName</c>); empty once erased (docs/personal-data.md).</param>
public sealed record IdentityResponse(
    string Id, string Kind, string Name, string Status, IReadOnlyList<string> Roles, bool MustChangePassword, string Controller, string? Did,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, ChainSyncResponse Chain, OnChainIdentityResponse? OnChain = null, string? OnChainError = null,
    IReadOnlyDictionary<string, string>? Personal = null);

/// <summary>An identity's chain sync state.</summary>
/// <param name="Recorded">The status the chain last recorded through this control plane: none, active, suspended or revoked.</param>
/// <param name="LastBlock">Block of the last recorded step.</param>
/// <param name="Pending">Steps not yet recorded.</param>
/// <param name="Failed">Steps the contract refused.</param>
/// <param name="Steps">Every step, oldest first (single reads only).</param>
public sealed record ChainSyncResponse(string Recorded, long? LastBlock, int Pending, int Failed, IReadOnlyList<ChainStepResponse>? Steps = null);

/// <summary>A chain step of the outbox.</summary>
/// <param name="Id">Outbox id.</param>
/// <param name="Step">register, suspend, reinstate, revoke, grant-role or revoke-role.</param>
/// <param name="Role">For role steps, the grant as a claim.</param>
/// <param name="State">pending, done or failed.</param>
/// <param name="Attempts">Failed attempts.</param>
/// <param name="Transaction">Transaction hash, once done.</param>
/// <param name="Block">Block, once done.</param>
/// <param name="Error">Last error or the contract's refusal.</param>
public sealed record ChainStepResponse(long Id, string Step, string? Role, string State, int Attempts, string? Transaction, long? Block, string? Error);

/// <summary>What the IdentityRegistry holds for an identity.</summary>
/// <param name="Status">active, suspended or revoked.</param>
/// <param name="Controller">Controller address.</param>
/// <param name="SubjectHash">The salted subject hash (0x hex).</param>
/// <param name="SubjectHashMatches">Whether it is HMAC-SHA256(salt, name) of this account (false once the salt is erased).</param>
/// <param name="UpdatedBlock">Block of the last change.</param>
/// <param name="RoleCount">Role grants on chain (roles and scopes are hashes there).</param>
public sealed record OnChainIdentityResponse(string Status, string Controller, string SubjectHash, bool SubjectHashMatches, long UpdatedBlock, int RoleCount);

/// <summary>A new identity with the secrets shown this once: none of them is kept in the clear, the controller key not at all.</summary>
/// <param name="Identity">The identity.</param>
/// <param name="ControllerPrivateKey">The private key of the identity's controller address (0x hex), for its holder to prove control of the DID; not stored anywhere.</param>
/// <param name="Password">The generated password, when none was given.</param>
/// <param name="ClientSecret">A service's client secret.</param>
public sealed record CreatedIdentityResponse(IdentityResponse Identity, string ControllerPrivateKey, string? Password, string? ClientSecret)
{
    /// <summary>Leaves the secrets out, so an accidental log line cannot carry them.</summary>
    public override string ToString() => $"CreatedIdentityResponse({Identity.Id})";
}

/// <summary>A page of identities.</summary>
/// <param name="Items">Newest first.</param>
/// <param name="Next">Pass as <c>before</c> for the next page; null on the last.</param>
public sealed record IdentityPageResponse(IReadOnlyList<IdentityResponse> Items, long? Next);

/// <summary>Maps accounts to responses.</summary>
internal static class AccountMapping
{
    public static IdentityResponse ToResponse(this StoredAccount a, long? chainId, IReadOnlyList<PendingChainStep>? steps = null) => new(
        a.Id, a.Kind == AccountKind.User ? "user" : "service", a.Name, a.Status.ToWord(), [.. a.Roles.Select(g => g.ToClaim())], a.MustChangePassword,
        a.Controller, chainId is { } c ? EthrDid.For(c, a.Controller).ToString() : null, a.CreatedAt, a.UpdatedAt,
        new ChainSyncResponse(a.Chain.RecordedStatus.ToWord(), a.Chain.LastBlock, a.Chain.PendingSteps, a.Chain.FailedSteps,
            steps?.Select(s => new ChainStepResponse(
                s.Id, AccountChainSync.Name(s.Step.Action), s.Step.Role is { } r ? new RoleGrant(r, s.Step.Scope).ToClaim() : null,
                s.State.ToString().ToLowerInvariant(), s.Attempts, s.TransactionHash, s.BlockNumber, s.Error)).ToList()));

    public static OnChainIdentityResponse ToResponse(this OnChainIdentity chain, StoredAccount account) => new(
        chain.Status.ToWord(), chain.Controller, "0x" + Convert.ToHexStringLower(chain.SubjectHash),
        account.SubjectSalt is { } salt && chain.SubjectHash.AsSpan().SequenceEqual(SubjectHashing.Hash(salt, account.Name)),
        chain.UpdatedBlock, chain.Roles.Count);

}
