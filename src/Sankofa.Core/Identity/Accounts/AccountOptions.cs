namespace Sankofa.Core.Identity.Accounts;

/// <summary>Settings of accounts, sign-in throttling, the first administrator and chain recording (section <c>Identity:Accounts</c>).</summary>
public sealed class AccountOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Identity:Accounts";

    /// <summary>Shortest password accepted; never below 12.</summary>
    public int MinPasswordLength { get; set; } = 12;

    /// <summary>
    /// Failed sign-ins for one user name from one client address, within <see cref="FailureWindow"/>, after which the name
    /// is throttled at that address (only there: a stranger guessing cannot lock the real user out elsewhere).
    /// </summary>
    public int FailureLimit { get; set; } = 5;

    /// <summary>How far back failures count towards <see cref="FailureLimit"/>; also how long a throttled name must stay quiet to be forgotten.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>First wait imposed once the limit is reached; it doubles with every further failure up to <see cref="MaxThrottleDelay"/>.</summary>
    public TimeSpan ThrottleDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest wait imposed on a throttled user name.</summary>
    public TimeSpan MaxThrottleDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Password checks (sign-in, password change) one client address may ask for within <see cref="AddressAttemptWindow"/>,
    /// whatever the names; past it the server answers 429 without hashing anything.
    /// </summary>
    public int AddressAttemptLimit { get; set; } = 30;

    /// <summary>The window of <see cref="AddressAttemptLimit"/>.</summary>
    public TimeSpan AddressAttemptWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Password hashes computed at once (each costs a core for a while); further checks wait their turn. Default: the number of processors.</summary>
    public int MaxConcurrentPasswordChecks { get; set; } = Environment.ProcessorCount;

    /// <summary>Identities (not revoked) that may hold a role within one tenant or site; creating one more is refused (409).</summary>
    public int MaxIdentitiesPerScope { get; set; } = 1000;

    /// <summary>User name of the administrator created when no account holds platform-admin.</summary>
    public string InitialAdminUserName { get; set; } = "admin";

    /// <summary>Length of generated passwords (the first administrator's one-time password, and users created without one).</summary>
    public int GeneratedPasswordLength { get; set; } = 20;

    /// <summary>First wait after the chain could not be reached while recording identities; doubles up to <see cref="ChainMaxRetryDelay"/>.</summary>
    public TimeSpan ChainMinRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between attempts while the chain is unreachable.</summary>
    public TimeSpan ChainMaxRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the outbox is looked at when nothing woke the worker (steps written by another server sharing the database).</summary>
    public TimeSpan ChainPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often every recorded identity is checked against the chain (and at start): one the chain no longer knows, or
    /// holds as active though a suspension or revocation was recorded (it lost its last blocks), is recorded again.
    /// Default 1 minute.
    /// </summary>
    public TimeSpan ChainCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How many of the newest recorded identities each periodic chain check also compares role grants of (one chain call
    /// each); every identity's are compared at start and after the chain was redeployed. Default 500.
    /// </summary>
    public int ChainCheckWindow { get; set; } = 500;
}
