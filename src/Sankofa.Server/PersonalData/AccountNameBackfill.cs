using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Server.PersonalData;

/// <summary>
/// At start, after <see cref="MasterKeyCheck"/>: account names an older version stored in clear get their blind index, a
/// user's name is sealed under its key and its clear copy removed (docs/personal-data.md). Idempotent, and safe with
/// several servers on one database: each row changes only while it is still in the old form.
/// </summary>
internal sealed partial class AccountNameBackfill(IAccountStore accounts, ILogger<AccountNameBackfill> logger) : IHostedService
{
    /// <summary>Rows read per batch: a few hundred accounts' names in memory at once, however many there are.</summary>
    private const int BatchSize = 200;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var changed = await accounts.ProtectClearNamesAsync(BatchSize, cancellationToken);
        if (changed > 0)
        {
            LogProtected(logger, changed);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Protected {Count} account names stored in clear by an older version (blind index, user names sealed)")]
    private static partial void LogProtected(ILogger logger, int count);
}
