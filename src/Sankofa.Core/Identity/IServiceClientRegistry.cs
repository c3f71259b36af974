namespace Sankofa.Core.Identity;

/// <summary>
/// Where the embedded OIDC issuer keeps the clients that use the client-credentials grant (services, site agents):
/// the account service registers a service account's client id (its account id) and secret here when it creates it,
/// and removes it when the account is revoked, so the issuer authenticates the client itself.
/// </summary>
public interface IServiceClientRegistry
{
    /// <summary>Registers (or replaces the secret of) a confidential client allowed the client-credentials grant.</summary>
    Task RegisterAsync(string clientId, string displayName, string secret, CancellationToken cancellationToken);

    /// <summary>Removes a client; nothing happens when it does not exist.</summary>
    Task RemoveAsync(string clientId, CancellationToken cancellationToken);
}
