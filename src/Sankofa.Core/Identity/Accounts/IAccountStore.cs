using Sankofa.Core.Access;
using Sankofa.Core.Audit;

namespace Sankofa.Core.Identity.Accounts;

/// <summary>
/// Storage port of accounts and of their chain outbox. Every write stores the account, the chain steps it calls for and
/// its audit entry in one transaction, so the chain is told exactly what the store holds, and nothing is lost in a crash.
/// </summary>
public interface IAccountStore
{
    /// <summary>Stores a new account with its first chain steps and audit entry; <see cref="AccountConflictException"/> when its id or name is taken.</summary>
    Task CreateAsync(StoredAccount account, IReadOnlyList<ChainStep> steps, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a changed account (status, roles, secret hash, flags) if its stored version is still <see cref="StoredAccount.Version"/>,
    /// with the chain steps and audit entry of the change; returns it with its new version. <see cref="AccountConflictException"/> when it changed meanwhile.
    /// </summary>
    Task<StoredAccount> UpdateAsync(StoredAccount updated, IReadOnlyList<ChainStep> steps, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>An account by id, or null.</summary>
    Task<StoredAccount?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// An account by user name or client id (exact: names are lower-case; sign-in trims and lower-cases what is typed
    /// first), or null. An erased account is found by no name.
    /// </summary>
    Task<StoredAccount?> FindByNameAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Moves names an older version stored in clear to their protected form (blind index, a user's name sealed), in batches
    /// of <paramref name="batchSize"/>; each row changes only while still in the old form, so servers sharing the store may
    /// run it at once. Returns how many rows this call changed.
    /// </summary>
    Task<int> ProtectClearNamesAsync(int batchSize, CancellationToken cancellationToken);

    /// <summary>A page of accounts, newest first.</summary>
    Task<AccountPage> ListAsync(AccountQuery query, CancellationToken cancellationToken);

    /// <summary>How many accounts that are not revoked hold a role within the scope (a tenant or site id).</summary>
    Task<int> CountInScopeAsync(string scope, CancellationToken cancellationToken);

    /// <summary>Whether any account, whatever its status, holds the role (in any scope).</summary>
    Task<bool> AnyHoldsRoleAsync(string role, CancellationToken cancellationToken);

    /// <summary>Chain steps not yet recorded (pending), oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<PendingChainStep>> GetPendingStepsAsync(int max, CancellationToken cancellationToken);

    /// <summary>An account's chain steps, oldest first, recorded or not.</summary>
    Task<IReadOnlyList<PendingChainStep>> GetStepsAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Marks a step recorded on chain, updates the account's chain state and writes the audit entry, in one transaction.</summary>
    Task CompleteStepAsync(long stepId, ChainStepReceipt receipt, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>Marks a step the contract refused for good (it is not sent again), with the audit entry saying why.</summary>
    Task FailStepAsync(long stepId, string reason, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>Puts a step off until <paramref name="nextAttempt"/> after an error that may pass.</summary>
    Task DeferStepAsync(long stepId, DateTimeOffset nextAttempt, string error, CancellationToken cancellationToken);
}

/// <summary>An account as stored. Never serialised as a whole: it holds the secret hash and the subject salt.</summary>
/// <param name="Id">usr-… or svc-…: the on-chain identity id and the tokens' subject.</param>
/// <param name="Kind">User or service.</param>
/// <param name="Name">User name or client id, lower-case, unique across both kinds; once erased, <c>~erased:&lt;id&gt;</c>.</param>
/// <param name="SecretHash">Hash of the password or client secret (see <see cref="ISecretHasher"/>).</param>
/// <param name="MustChangePassword">The password is a one-time one.</param>
/// <param name="Status">Active, suspended or revoked, as decided here (the chain follows through the outbox).</param>
/// <param name="Controller">The identity's Ethereum address.</param>
/// <param name="SubjectSalt">Key of the on-chain subject hash; null once erased.</param>
/// <param name="Roles">Role grants.</param>
/// <param name="CreatedAt">When created.</param>
/// <param name="UpdatedAt">When last changed.</param>
/// <param name="Version">Optimistic concurrency version, bumped by every update.</param>
/// <param name="Chain">What the chain has recorded, and what still waits.</param>
public sealed record StoredAccount(
    string Id, AccountKind Kind, string Name, string SecretHash, bool MustChangePassword, IdentityStatus Status, string Controller,
    byte[]? SubjectSalt, IReadOnlyList<RoleGrant> Roles, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version, AccountChainState Chain)
{
    /// <summary>The directory's view, without secrets.</summary>
    public Account ToAccount() => new(Id, Kind, Name, Roles, Status, MustChangePassword, Controller) { Version = Version };

    /// <summary>Leaves the secret hash and salt out, so an accidental log line cannot carry them.</summary>
    public override string ToString() => $"StoredAccount({Id}, {Kind}, {Name}, {Status})";
}

/// <summary>The account's chain sync state.</summary>
/// <param name="RecordedStatus">The status the chain last recorded through this control plane (None before registration).</param>
/// <param name="LastBlock">Block of the last step recorded, or null.</param>
/// <param name="PendingSteps">Steps not yet recorded.</param>
/// <param name="FailedSteps">Steps the contract refused.</param>
public sealed record AccountChainState(IdentityStatus RecordedStatus, long? LastBlock, int PendingSteps, int FailedSteps)
{
    /// <summary>A new account's: nothing recorded yet.</summary>
    public static AccountChainState New { get; } = new(IdentityStatus.None, null, 0, 0);
}

/// <summary>What an identity change asks of the chain.</summary>
public enum ChainAction
{
    /// <summary>IdentityRegistry.register with the subject hash and controller.</summary>
    Register,

    /// <summary>Suspend.</summary>
    Suspend,

    /// <summary>Reinstate.</summary>
    Reinstate,

    /// <summary>Revoke (terminal).</summary>
    Revoke,

    /// <summary>Grant a role in a scope.</summary>
    GrantRole,

    /// <summary>Take a role in a scope.</summary>
    RevokeRole,
}

/// <summary>A chain step to queue with a change.</summary>
/// <param name="Action">What to record.</param>
/// <param name="Role">For role steps: the role.</param>
/// <param name="Scope">For role steps: the scope, or null platform-wide.</param>
public sealed record ChainStep(ChainAction Action, string? Role = null, string? Scope = null);

/// <summary>Where a queued chain step stands.</summary>
public enum ChainStepState
{
    /// <summary>Waiting to be sent (or re-sent).</summary>
    Pending,

    /// <summary>Recorded on chain.</summary>
    Done,

    /// <summary>Refused by the contract; not sent again.</summary>
    Failed,
}

/// <summary>A queued chain step as stored.</summary>
/// <param name="Id">Outbox id; steps of one account are sent in id order.</param>
/// <param name="AccountId">The account.</param>
/// <param name="Step">What to record.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Attempts">Failed attempts so far.</param>
/// <param name="NextAttemptAt">Not before this time.</param>
/// <param name="CreatedAt">When queued.</param>
/// <param name="TransactionHash">The transaction that recorded it, once done.</param>
/// <param name="BlockNumber">Its block, once done.</param>
/// <param name="Error">Last error or the refusal.</param>
public sealed record PendingChainStep(
    long Id, string AccountId, ChainStep Step, ChainStepState State, int Attempts, DateTimeOffset NextAttemptAt, DateTimeOffset CreatedAt,
    string? TransactionHash, long? BlockNumber, string? Error);

/// <summary>The receipt of a recorded step.</summary>
/// <param name="TransactionHash">0x-prefixed transaction hash.</param>
/// <param name="BlockNumber">Block.</param>
/// <param name="Changed">False when the chain held it already (a repeat after a crash): nothing recorded twice.</param>
/// <param name="RecordedStatus">The status the chain holds after this step (for the account's chain state), or null when it does not change it.</param>
public sealed record ChainStepReceipt(string TransactionHash, long BlockNumber, bool Changed, IdentityStatus? RecordedStatus);

/// <summary>Filters and paging for listing accounts.</summary>
/// <param name="Kind">Only this kind.</param>
/// <param name="Status">Only this status.</param>
/// <param name="Scope">Only accounts holding a role within this tenant (or site) id.</param>
/// <param name="Before">Cursor: only accounts older than this position.</param>
/// <param name="Limit">Page size.</param>
public sealed record AccountQuery(AccountKind? Kind = null, IdentityStatus? Status = null, string? Scope = null, long? Before = null, int Limit = 100);

/// <summary>A page of accounts and the cursor of the next one (null on the last page).</summary>
/// <param name="Items">Newest first.</param>
/// <param name="NextBefore">Pass as <see cref="AccountQuery.Before"/>.</param>
public sealed record AccountPage(IReadOnlyList<StoredAccount> Items, long? NextBefore);

/// <summary>An account's id or name is taken, or it changed between read and write.</summary>
public sealed class AccountConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AccountConflictException() { }

    /// <summary>Creates the exception with a message.</summary>
    public AccountConflictException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the cause.</summary>
    public AccountConflictException(string message, Exception innerException) : base(message, innerException) { }
}
