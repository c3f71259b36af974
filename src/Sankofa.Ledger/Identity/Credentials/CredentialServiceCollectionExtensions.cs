using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sankofa.Core.Identity.Credentials;

namespace Sankofa.Ledger.Identity.Credentials;

/// <summary>Registers DID resolution and credential issuance and verification on the ledger.</summary>
public static class CredentialServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IDidResolver"/>, <see cref="ICredentialIssuer"/> and <see cref="ICredentialVerifier"/>, with
    /// <see cref="CredentialOptions"/> from the <c>Credentials</c> section. Needs <c>AddSankofaLedger</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The application's configuration (root).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddLedgerCredentials(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CredentialOptions>().Bind(configuration.GetSection(CredentialOptions.Section))
            .Validate(o => o.DefaultValidity > TimeSpan.Zero && o.DefaultValidity <= o.MaxValidity,
                "Credentials:DefaultValidity must be positive and at most Credentials:MaxValidity.")
            .Validate(o => o.ClockSkew >= TimeSpan.Zero && o.ClockSkew <= TimeSpan.FromMinutes(10), "Credentials:ClockSkew must be between 0 and 10 minutes.")
            .Validate(o => o.MaxJwtLength >= 1024, "Credentials:MaxJwtLength must be at least 1024.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDidResolver, EthrDidResolver>();
        services.TryAddSingleton<ICredentialIssuer, JwtCredentialIssuer>();
        services.TryAddSingleton<ICredentialVerifier, JwtCredentialVerifier>();
        return services;
    }
}
