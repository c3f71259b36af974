using Microsoft.Extensions.Options;
using Sankofa.Core.Identity;

namespace Sankofa.Server.Identity.Access;

/// <summary>Registers the chain status check of identities.</summary>
internal static class AccessServiceCollectionExtensions
{
    public static IServiceCollection AddSankofaAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IdentityStatusOptions>().Bind(configuration.GetSection(IdentityStatusOptions.Section))
            .Validate(o => o.StatusRefreshInterval > TimeSpan.Zero && o.StatusMaxAge > TimeSpan.Zero && o.StatusIdleTimeout > TimeSpan.Zero && o.StatusOutageGrace >= TimeSpan.Zero,
                "Auth:StatusRefreshInterval, Auth:StatusMaxAge and Auth:StatusIdleTimeout must be positive, Auth:StatusOutageGrace not negative.")
            .ValidateOnStart();
        services.AddSingleton(sp => new IdentityStatusCache(
            sp.GetRequiredService<IIdentityLedger>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<IdentityStatusOptions>>().Value));
        services.AddSingleton<IIdentityStatusCheck>(sp => sp.GetRequiredService<IdentityStatusCache>());
        services.AddHostedService<IdentityStatusRefresher>();
        return services;
    }
}
