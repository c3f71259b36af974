using OpenIddict.Abstractions;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Server.Identity.Oidc;

/// <summary>
/// A changed password ends every session of the account: its refresh tokens and authorizations are revoked at once, so
/// whoever knew the old password cannot keep renewing access. Access tokens already issued run out within their
/// lifetime (<see cref="OidcOptions.AccessTokenLifetime"/>).
/// </summary>
internal sealed class SessionRevoker(IServiceScopeFactory scopes) : IPasswordChangeObserver
{
    public async Task PasswordChangedAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().RevokeBySubjectAsync(account.Id, cancellationToken);
        await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().RevokeBySubjectAsync(account.Id, cancellationToken);
    }
}
