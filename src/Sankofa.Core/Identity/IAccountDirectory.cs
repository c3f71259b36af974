using Sankofa.Core.Access;
namespace Sankofa.Core.Identity;

/// <summary>
/// The embedded issuer's view of accounts: who may sign in, with what password, and with which roles. Implemented by
/// the account service over the store; used by the OIDC issuer at sign-in and at every token issuance. An account's id
/// is its identity id on chain (IdentityRegistry) and the <c>sub</c> of every token issued to it.
/// </summary>
public interface IAccountDirectory
{
    /// <summary>
    /// Checks a user name and password. Failures are counted per user name and client address and throttled (see
    /// <see cref="PasswordCheckOutcome.Throttled"/>), so guesses from one address cannot lock the name out at another.
    /// </summary>
    Task<PasswordCheck> CheckPasswordAsync(string userName, string password, CancellationToken cancellationToken, string? clientAddress = null);

    /// <summary>Changes a password after checking the current one (throttled as <see cref="CheckPasswordAsync"/>); clears <see cref="Account.MustChangePassword"/>.</summary>
    Task<PasswordCheck> ChangePasswordAsync(string userName, string currentPassword, string newPassword, CancellationToken cancellationToken, string? clientAddress = null);

    /// <summary>An account by id (user or service client), or null.</summary>
    Task<Account?> GetAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>
    /// The service account a client id stands for: its account id, or its name for a bootstrap client (whose client id
    /// the operator chose before the account existed); null when none.
    /// </summary>
    Task<Account?> GetClientAsync(string clientId, CancellationToken cancellationToken);
}

/// <summary>A user or a service client (client-credentials) that can be issued tokens.</summary>
/// <param name="Id">Identity id, also the token subject and the on-chain identity id (hashed there).</param>
/// <param name="Kind">User or service.</param>
/// <param name="Name">User name, or the client id of a service.</param>
/// <param name="Roles">Role grants.</param>
/// <param name="Status">Status as last recorded by this control plane; the chain is the authority (checked at issuance and per request).</param>
/// <param name="MustChangePassword">A user who must change the password before any token is issued (the first administrator's one-time password).</param>
/// <param name="Controller">The identity's Ethereum address (its did:ethr).</param>
public sealed record Account(
    string Id, AccountKind Kind, string Name, IReadOnlyList<RoleGrant> Roles, IdentityStatus Status, bool MustChangePassword, string Controller)
{
    /// <summary>
    /// The stored version, bumped by every change to the account (password, status, roles): a browser session started at
    /// an older version has ended.
    /// </summary>
    public long Version { get; init; }
}

/// <summary>What kind of principal an account is.</summary>
public enum AccountKind
{
    /// <summary>A person signing in with a password (portal, CLI).</summary>
    User,

    /// <summary>A service or site agent using client credentials.</summary>
    Service,
}

/// <summary>The outcome of a password check.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Account">The account when the user name is known and the password right (also for <see cref="PasswordCheckOutcome.MustChangePassword"/>).</param>
/// <param name="RetryAfter">For <see cref="PasswordCheckOutcome.Throttled"/>: how long until the next attempt is considered.</param>
public sealed record PasswordCheck(PasswordCheckOutcome Outcome, Account? Account = null, TimeSpan? RetryAfter = null);

/// <summary>Outcomes of a password check. Unknown user and wrong password are one outcome so answers do not reveal which names exist.</summary>
public enum PasswordCheckOutcome
{
    /// <summary>Right password, active account.</summary>
    Succeeded,

    /// <summary>Unknown user name or wrong password.</summary>
    InvalidCredentials,

    /// <summary>Right password, but it must be changed before anything else.</summary>
    MustChangePassword,

    /// <summary>Right password, but the identity is suspended or revoked.</summary>
    NotActive,

    /// <summary>Too many failures for this user name from this client address lately; nothing was checked.</summary>
    Throttled,

    /// <summary>The new password does not meet the rules (length, not the same as the old).</summary>
    WeakPassword,
}
