using Microsoft.Extensions.Options;
using Sankofa.Core;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Data.Oidc;
using Sankofa.Server.Hosting;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Sankofa.Server.Identity.Oidc;

/// <summary>Registers the embedded OIDC issuer (OpenIddict): endpoints, flows, keys, its store, and the clients it knows.</summary>
internal static class OidcServiceCollectionExtensions
{
    public static IServiceCollection AddSankofaOidc(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OidcOptions>().Bind(configuration.GetSection(OidcOptions.Section))
            .Validate(o => o.AccessTokenLifetime > TimeSpan.Zero && o.RefreshTokenLifetime > TimeSpan.Zero, "Oidc:AccessTokenLifetime and Oidc:RefreshTokenLifetime must be positive.")
            .Validate(o => o.Issuer is null || o.Issuer.IsAbsoluteUri, "Oidc:Issuer must be an absolute URL.")
            .Validate(o => o.Issuer is null || Transport.IsHttpsOrLoopback(o.Issuer), "Oidc:Issuer must be an https URL (plain http only on loopback).")
            .Validate(o => o.PortalRedirectUris.Concat(o.PortalPostLogoutRedirectUris).All(u => u.IsAbsoluteUri), "Oidc:PortalRedirectUris and Oidc:PortalPostLogoutRedirectUris must be absolute URLs.")
            .Validate(o => o.BootstrapClientId is null || (AccountRules.NameProblem(o.BootstrapClientId) is null && o.BootstrapClientSecret is { Length: >= AccountRules.MinClientSecretLength }),
                $"Oidc:BootstrapClientId must be a valid account name, and Oidc:BootstrapClientSecret then at least {AccountRules.MinClientSecretLength} characters.")
            .ValidateOnStart();
        var options = configuration.GetSection(OidcOptions.Section).Get<OidcOptions>() ?? new OidcOptions();
        var keys = Path.Combine(DataDirectory.Resolve(configuration[DataDirectory.Key]), "oidc");

        services.AddAntiforgery(o => o.Cookie.Name = "sankofa.antiforgery");
        services.AddAuthentication()
            .AddCookie(OidcEndpoints.SignInScheme, o =>
            {
                o.Cookie.Name = "sankofa.signin";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.LoginPath = "/connect/login";
                o.Events.OnValidatePrincipal = context => SessionVersion.ValidateAsync(context, required: true);
            });

        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<OidcDbContext>())
            .AddServer(o =>
            {
                if (options.Issuer is { } issuer)
                {
                    o.SetIssuer(issuer);
                }

                o.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetDeviceAuthorizationEndpointUris("connect/device")
                    .SetEndUserVerificationEndpointUris("connect/verify")
                    .SetEndSessionEndpointUris("connect/logout");
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowDeviceAuthorizationFlow()
                    .AllowClientCredentialsFlow()
                    .AllowRefreshTokenFlow();
                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess, OidcOptions.ApiScope);
                o.RegisterClaims(Claims.Subject, Claims.Name, Claims.Role);
                o.SetAccessTokenLifetime(options.AccessTokenLifetime).SetRefreshTokenLifetime(options.RefreshTokenLifetime);
                o.AddSigningKey(OidcKeys.LoadOrCreate(Path.Combine(keys, "signing-key.pem")));
                o.AddEncryptionKey(OidcKeys.LoadOrCreate(Path.Combine(keys, "encryption-key.pem")));

                // Access tokens are signed JWTs any resource server can check against the JWKS, not encrypted blobs only we read.
                o.DisableAccessTokenEncryption();
                var aspNetCore = o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndUserVerificationEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
                if (!options.RequireHttps)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            });

        services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, TokenLogFilter>();
        services.AddSingleton<IServiceClientRegistry, ServiceClientRegistry>();
        services.AddSingleton<IPasswordChangeObserver, SessionRevoker>();
        services.AddHostedService<OidcClientSeeder>();
        services.AddHostedService<BootstrapClient>();
        services.AddHostedService<OidcPruner>();
        return services;
    }
}

/// <summary>Creates or updates, at start, the issuer's own clients: the CLI (device flow) and, when configured, the portal (code + PKCE).</summary>
internal sealed class OidcClientSeeder(IServiceScopeFactory scopes, IOptions<OidcOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictApplicationManager>();
        var cli = new OpenIddict.Abstractions.OpenIddictApplicationDescriptor
        {
            ClientId = OidcOptions.CliClientId,
            ClientType = ClientTypes.Public,
            DisplayName = "Sankofa CLI",
            Permissions =
            {
                Permissions.Endpoints.DeviceAuthorization, Permissions.Endpoints.Token,
                Permissions.GrantTypes.DeviceCode, Permissions.GrantTypes.RefreshToken,
                Permissions.Scopes.Profile, Permissions.Prefixes.Scope + OidcOptions.ApiScope,
            },
        };
        await UpsertAsync(applications, cli, cancellationToken);

        if (options.Value.PortalRedirectUris.Count > 0)
        {
            await UpsertAsync(applications, PortalClient(options.Value.PortalRedirectUris, options.Value.PortalPostLogoutRedirectUris), cancellationToken);
        }
    }

    /// <summary>The portal's client: public, authorization code with PKCE required, these redirect URIs.</summary>
    internal static OpenIddict.Abstractions.OpenIddictApplicationDescriptor PortalClient(IEnumerable<Uri> redirectUris, IEnumerable<Uri> postLogoutRedirectUris)
    {
        var portal = new OpenIddict.Abstractions.OpenIddictApplicationDescriptor
        {
            ClientId = OidcOptions.PortalClientId,
            ClientType = ClientTypes.Public,
            DisplayName = "Sankofa portal",
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile, Permissions.Prefixes.Scope + OidcOptions.ApiScope,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        portal.RedirectUris.UnionWith(redirectUris);
        portal.PostLogoutRedirectUris.UnionWith(postLogoutRedirectUris);
        return portal;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static async Task UpsertAsync(
        OpenIddict.Abstractions.IOpenIddictApplicationManager applications, OpenIddict.Abstractions.OpenIddictApplicationDescriptor descriptor, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(descriptor.ClientId!, cancellationToken) is { } existing)
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
        }
        else
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
    }
}

/// <summary>Service accounts as OpenIddict confidential clients (client credentials only); OpenIddict keeps only a hash of the secret.</summary>
internal sealed class ServiceClientRegistry(IServiceScopeFactory scopes) : IServiceClientRegistry
{
    public async Task RegisterAsync(string clientId, string displayName, string secret, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictApplicationManager>();
        await OidcClientSeeder.UpsertAsync(applications, new OpenIddict.Abstractions.OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = displayName,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials, Permissions.Prefixes.Scope + OidcOptions.ApiScope },
        }, cancellationToken);
    }

    public async Task RemoveAsync(string clientId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictApplicationManager>();
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is { } existing)
        {
            await applications.DeleteAsync(existing, cancellationToken);
        }
    }
}

/// <summary>
/// Removes, every hour, OpenIddict's records of tokens and authorizations that ended more than a day ago: every code,
/// refresh and client-credentials token leaves a row, and nothing else would ever delete them. With replicas one leads
/// it (<see cref="WorkerLeadership"/>): one pruning an hour is enough.
/// </summary>
internal sealed partial class OidcPruner(IServiceScopeFactory scopes, WorkerLeadership leadership, TimeProvider time, ILogger<OidcPruner> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leadership.RunAsync("oidc-pruner", RunAsync, stoppingToken);

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var threshold = time.GetUtcNow().AddDays(-1);
                await scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictTokenManager>().PruneAsync(threshold, stoppingToken).ConfigureAwait(false);
                await scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictAuthorizationManager>().PruneAsync(threshold, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed round (the database busy or away) is tried again next hour; it must not stop the server.
                LogPruneFailed(logger, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 97, Level = LogLevel.Warning, Message = "Old OIDC tokens and authorizations could not be pruned: {Reason}")]
    private static partial void LogPruneFailed(ILogger logger, string reason);
}
