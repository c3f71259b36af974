using Microsoft.Extensions.Options;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Server.Identity.Accounts;

namespace Sankofa.Server.Identity.Oidc;

/// <summary>
/// At start, when <see cref="OidcOptions.BootstrapClientId"/> is set: makes sure a platform-admin service account of
/// that name exists and that the issuer accepts it with the configured secret, as a client whose id is that name. An
/// existing account keeps its roles (an operator may have narrowed them) and gets the configured secret, so rotating
/// the secret is a restart. The account is registered on chain like any other, so tokens follow once that is done.
/// </summary>
internal sealed partial class BootstrapClient(
    AccountService accounts, IServiceClientRegistry clients, IOptions<OidcOptions> options, ILogger<BootstrapClient> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value is not { BootstrapClientId: { } name, BootstrapClientSecret: { } secret })
        {
            return;
        }

        switch (await accounts.FindByNameAsync(name, cancellationToken))
        {
            case null:
                var created = await accounts.CreateServiceAsync(InitialAdministrator.Actor, name, [Roles.PlatformAdmin], cancellationToken, secret);
                if (created.Error is { } error)
                {
                    // Another server sharing the database created it first: its secret is then registered below on the next start.
                    LogNotCreated(logger, name, error.Message);
                    return;
                }

                LogCreated(logger, name, created.Value!.Account.Id);
                break;
            case { Kind: AccountKind.Service, Status: not IdentityStatus.Revoked }:
                break;
            default:
                LogUnusable(logger, name);
                return;
        }

        await clients.RegisterAsync(name, name, secret, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the bootstrap client '{ClientId}' ({AccountId}) with platform-admin; remove Oidc:BootstrapClientId once real accounts exist")]
    private static partial void LogCreated(ILogger logger, string clientId, string accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bootstrap client '{ClientId}' could not be created: {Reason}")]
    private static partial void LogNotCreated(ILogger logger, string clientId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Oidc:BootstrapClientId names '{ClientId}', which is a user or a revoked service account; no bootstrap client is registered")]
    private static partial void LogUnusable(ILogger logger, string clientId);
}
