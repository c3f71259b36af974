using Microsoft.Extensions.Options;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Server.Identity.Accounts;

/// <summary>
/// At start (after the store is migrated): when no account holds platform-admin, creates the administrator with a
/// random one-time password that must be changed at first sign-in, and writes it to a file only the server's user can
/// read. Logs only the file's path. Deletes the file once the password is changed. A later start creates nothing.
/// </summary>
internal sealed partial class InitialAdministrator(
    AccountService accounts, IAccountStore store, InitialAdminPassword initial, IOptions<AccountOptions> options, ILogger<InitialAdministrator> logger)
    : IHostedService
{
    public const string Actor = "system:bootstrap";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var name = options.Value.InitialAdminUserName;
        if (await store.AnyHoldsRoleAsync(Roles.PlatformAdmin, cancellationToken))
        {
            var existing = await store.FindByNameAsync(name, cancellationToken);
            if (existing is { MustChangePassword: true } && File.Exists(initial.FilePath))
            {
                // Created by an earlier start and not changed yet: the banner shows it again.
                initial.Set((await File.ReadAllTextAsync(initial.FilePath, cancellationToken)).Trim());
            }
            else
            {
                DeleteFile();
            }

            return;
        }

        var created = await accounts.CreateUserAsync(Actor, name, null, [Roles.PlatformAdmin], mustChangePassword: true, cancellationToken);
        if (created.Error is { } error)
        {
            // Another server sharing the database created it first, or the name is taken by an account without the role.
            LogNotCreated(logger, name, error.Message);
            return;
        }

        var password = created.Value!.Password!;
        WriteFile(password);
        initial.Set(password);
        LogCreated(logger, name, created.Value.Account.Id, initial.FilePath);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void WriteFile(string password) => Sankofa.Ledger.Keys.SecretFile.Write(initial.FilePath, password + Environment.NewLine);

    private void DeleteFile()
    {
        if (initial.Forget())
        {
            LogFileDeleted(logger, initial.FilePath);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Created the first administrator '{UserName}' ({AccountId}); its one-time password is in {Path} and must be changed at first sign-in")]
    private static partial void LogCreated(ILogger logger, string userName, string accountId, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No account holds platform-admin, and '{UserName}' could not be created: {Reason}")]
    private static partial void LogNotCreated(ILogger logger, string userName, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The first administrator's one-time password is no longer needed; deleted {Path}")]
    internal static partial void LogFileDeleted(ILogger logger, string path);

    /// <summary>Deletes the one-time password file when the administrator changes the password.</summary>
    internal sealed class PasswordChangeObserver(InitialAdminPassword initial, IOptions<AccountOptions> options, ILogger<InitialAdministrator> logger)
        : IPasswordChangeObserver
    {
        public Task PasswordChangedAsync(Account account, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(account);
            if (account.Name == options.Value.InitialAdminUserName && initial.Forget())
            {
                LogFileDeleted(logger, initial.FilePath);
            }

            return Task.CompletedTask;
        }
    }
}
