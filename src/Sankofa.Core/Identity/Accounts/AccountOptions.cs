namespace Sankofa.Core.Identity.Accounts;

/// <summary>Settings of accounts, sign-in throttling, the first administrator and chain recording (section <c>Identity:Accounts</c>).</summary>
public sealed class AccountOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Identity:Accounts";

    /// <summary>Shortest password accepted; never below 12.</summary>
    public int MinPasswordLength { get; set; } = 12;

    /// <summary>Failed sign-ins for one user name, within <see cref="FailureWindow"/>, after which the name is throttled.</summary>
    public int FailureLimit { get; set; } = 5;

    /// <summary>How far back failures count towards <see cref="FailureLimit"/>; also how long a throttled name must stay quiet to be forgotten.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>First wait imposed once the limit is reached; it doubles with every further failure up to <see cref="MaxThrottleDelay"/>.</summary>
    public TimeSpan ThrottleDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest wait imposed on a throttled user name.</summary>
    public TimeSpan MaxThrottleDelay { get; set; } = TimeSpan.FromMinutes(15);

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
}
