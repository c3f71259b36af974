using Microsoft.Extensions.Options;
using Sankofa.Core.Audit;
using Sankofa.Core.Identity.Credentials;
using Sankofa.Ledger.Identity.Credentials;

namespace Sankofa.Server.Identity.Credentials;

/// <summary>Registers DID resolution, credential issuance (audited) and verification.</summary>
internal static class CredentialsServiceCollectionExtensions
{
    /// <summary>Adds the ledger's resolver, issuer and verifier (options from <c>Credentials</c>) and the <see cref="CredentialService"/>.</summary>
    public static IServiceCollection AddSankofaCredentials(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLedgerCredentials(configuration);
        services.AddSingleton(sp => new CredentialService(
            sp.GetRequiredService<ICredentialIssuer>(),
            sp.GetRequiredService<IAuditLog>(),
            sp.GetRequiredService<IOptions<CredentialOptions>>().Value));
        return services;
    }
}
