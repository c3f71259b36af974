using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using OpenIddict.Validation.AspNetCore;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Identity.Access;

/// <summary>
/// Registers who may call the API: bearer tokens of the embedded issuer (or, with <c>Auth:Authority</c>, of an external
/// one), the chain status check of their identity, and one authorization policy per <see cref="Permission"/>. Every
/// endpoint needs an authenticated, active caller unless it says otherwise (<c>AllowAnonymous</c>): the fallback policy.
/// </summary>
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

        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section))
            .Validate(o => o.Authority is null || o.Authority.IsAbsoluteUri, "Auth:Authority must be an absolute URL.")
            .Validate(o => o.Authority is null || Transport.IsHttpsOrLoopback(o.Authority), "Auth:Authority must be an https URL (plain http only on loopback).")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Audience) && !string.IsNullOrWhiteSpace(o.RoleClaim), "Auth:Audience and Auth:RoleClaim must not be empty.")
            .ValidateOnStart();
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (auth.Authority is null)
        {
            // The embedded issuer's own keys and issuer, no network: OpenIddict validates what OpenIddict issued.
            services.AddOpenIddict().AddValidation(o =>
            {
                o.UseLocalServer();
                o.AddAudiences(auth.Audience);
                o.UseAspNetCore();
            });
            AddCachedBearer(services, OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        }
        else
        {
            // Another issuer (Keycloak, or another region's Sankofa): its discovery document and keys, its role claim.
            AddCachedBearer(services, JwtBearerDefaults.AuthenticationScheme);
            services.AddAuthentication().AddJwtBearer(o =>
            {
                o.Authority = auth.Authority.ToString();
                o.Audience = auth.Audience;
                o.RequireHttpsMetadata = auth.RequireHttpsMetadata;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = "name";
                o.TokenValidationParameters.RoleClaimType = auth.RoleClaim;
            });
        }

        services.AddAuthorization(o =>
        {
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
            foreach (var permission in Enum.GetValues<Permission>())
            {
                // Held in some scope: the handler then checks the tenant (or site) the request is about.
                o.AddPolicy(permission.ToString(), p => p.RequireAuthenticatedUser()
                    .RequireAssertion(c => c.Resource is HttpContext http && http.Caller()?.HasAny(permission) == true));
            }
        });
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        return services;
    }

    /// <summary>Requires the caller to hold <paramref name="permission"/> in some scope; the handler checks the tenant.</summary>
    public static TBuilder Requires<TBuilder>(this TBuilder builder, Permission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(permission.ToString()).WithMetadata(new RequiredPermission(permission));

    private static void AddCachedBearer(IServiceCollection services, string validatingScheme)
    {
        services.AddSingleton<ValidatedTokens>();
        services.AddAuthentication(CachedBearerHandler.SchemeName)
            .AddScheme<CachedBearerOptions, CachedBearerHandler>(CachedBearerHandler.SchemeName, o => o.ValidatingScheme = validatingScheme);
    }
}
