using Sankofa.Core;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Replicas;

namespace Sankofa.Server.Identity.Accounts;

/// <summary>
/// Suspends, reinstates and revokes identities for the API and the portal alike: the change is stored and queued for
/// the chain by <see cref="AccountService"/>, takes effect on this server at once (the status cache, not waiting for
/// the chain's answer) and on every other replica as soon as its signal arrives, and a revoked service account's OIDC client is removed.
/// </summary>
internal sealed partial class IdentityStatusChanges(
    AccountService accounts, IdentityStatusCache statuses, IReplicaSignals signals, IServiceClientRegistry clients, ILogger<IdentityStatusChanges> logger)
{
    public async Task<Result<StoredAccount>> SuspendAsync(string actor, string id, CancellationToken cancellationToken) =>
        Changed(await accounts.SuspendAsync(actor, id, cancellationToken).ConfigureAwait(false));

    public async Task<Result<StoredAccount>> ReinstateAsync(string actor, string id, CancellationToken cancellationToken) =>
        Changed(await accounts.ReinstateAsync(actor, id, cancellationToken).ConfigureAwait(false));

    public async Task<Result<StoredAccount>> RevokeAsync(string actor, string id, CancellationToken cancellationToken)
    {
        var revoked = Changed(await accounts.RevokeAsync(actor, id, cancellationToken).ConfigureAwait(false));
        if (revoked.Value is { Kind: AccountKind.Service } service)
        {
            // Tokens are refused anyway (the chain and this server say revoked); removing the client only stops the issuer
            // even asking, so a failure here must not undo or hide the revocation.
            try
            {
                await clients.RemoveAsync(service.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogClientNotRemoved(logger, service.Id, ex.GetType().Name);
            }
        }

        return revoked;
    }

    private Result<StoredAccount> Changed(Result<StoredAccount> result)
    {
        if (result.Value is { } account)
        {
            statuses.Changed(account.Id, account.Status);
            signals.Publish(ReplicaSignalNames.IdentityStatus, account.Id + "|" + account.Status);
        }

        return result;
    }

    [LoggerMessage(EventId = 96, Level = LogLevel.Warning, Message = "Service account {Id} is revoked, but its OIDC client could not be removed ({Reason}); its tokens are refused anyway")]
    private static partial void LogClientNotRemoved(ILogger logger, string id, string reason);
}
