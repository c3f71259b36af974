using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.StaticWebAssets;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Sankofa.Core.Identity;
using Sankofa.Server.Identity;
using Sankofa.Server.Identity.Access;
using Sankofa.Server.Identity.Oidc;

namespace Sankofa.Server.Portal;

/// <summary>
/// The web portal: Blazor (interactive server) pages with MudBlazor at <c>/</c>, signed in through the OIDC
/// authorization-code flow with PKCE (a cookie session apart from the API's bearer tokens), reading and changing through
/// the same application services and rules as the API.
/// </summary>
internal static class PortalServiceCollectionExtensions
{
    /// <summary>Static files of the portal (MudBlazor, blazor.web.js) as the build lists them; hosts run from other folders.</summary>
    private const string EndpointsManifest = "Sankofa.Server.staticwebassets.endpoints.json";

    private const string RuntimeManifest = "Sankofa.Server.staticwebassets.runtime.json";

    public static WebApplicationBuilder AddSankofaPortal(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PortalOptions>().Bind(builder.Configuration.GetSection(PortalOptions.Section))
            .Validate(o => o.PublicUrl is null || o.PublicUrl.IsAbsoluteUri, "Portal:PublicUrl must be an absolute URL.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ClientId) && o.SessionLifetime > TimeSpan.Zero, "Portal:ClientId must not be empty and Portal:SessionLifetime must be positive.")
            .ValidateOnStart();
        var portal = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new PortalOptions();
        if (!portal.Enabled)
        {
            return builder;
        }

        // The files live where the build put them (NuGet cache, obj/); the map of where is next to Sankofa.Server.dll,
        // whichever process hosts the server (sankofa up, tests), so point the web root at it in every environment.
        var runtimeManifest = Path.Combine(AppContext.BaseDirectory, RuntimeManifest);
        if (File.Exists(runtimeManifest))
        {
            builder.Configuration[WebHostDefaults.StaticWebAssetsKey] = runtimeManifest;
            StaticWebAssetsLoader.UseStaticWebAssets(builder.Environment, builder.Configuration);

            // These files do not change while the server runs. The development handler a build manifest brings would
            // compare each with the manifest and, finding the package's file dated otherwise, re-wrap it in gzip without
            // compressing (630 KB for MudBlazor's stylesheet instead of its prebuilt 67 KB .gz).
            builder.Configuration["ReloadStaticAssetsAtRuntime"] ??= "false";
        }

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddMudServices();
        services.AddScoped<PortalSession>();

        services.AddAuthentication()
            .AddCookie(PortalAuthentication.CookieScheme, o =>
            {
                o.Cookie.Name = "sankofa.portal";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = portal.SessionLifetime;
                o.SlidingExpiration = true;
                o.ForwardChallenge = PortalAuthentication.OidcScheme;

                // Signed in at the embedded issuer, the session ends when the account changes (password, status, roles).
                o.Events.OnValidatePrincipal = context => SessionVersion.ValidateAsync(
                    context, required: context.HttpContext.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.Authority is null);
            })
            .AddOpenIdConnect(PortalAuthentication.OidcScheme, o =>
            {
                o.SignInScheme = PortalAuthentication.CookieScheme;
                o.ClientId = portal.ClientId;
                o.ResponseType = "code";
                o.UsePkce = true;
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "sankofa" })
                {
                    o.Scope.Add(scope);
                }

                o.CallbackPath = PortalAuthentication.CallbackPath;
                o.SignedOutCallbackPath = PortalAuthentication.SignedOutCallbackPath;
                o.SignedOutRedirectUri = "/";
                o.SaveTokens = true; // the id token, for the issuer's sign-out
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.TokenValidationParameters.NameClaimType = "name";
                o.Events.OnTokenValidated = AddSessionVersionAsync;
            });

        // The issuer: Auth:Authority when one is configured, else this server itself, at the address it listens on (known
        // only once Kestrel has started, which is before the first sign-in asks for these options).
        services.AddOptions<OpenIdConnectOptions>(PortalAuthentication.OidcScheme)
            .Configure<IServer, IOptions<AuthOptions>, IOptions<PortalOptions>>((o, server, auth, portalOptions) =>
            {
                o.TokenValidationParameters.RoleClaimType = auth.Value.RoleClaim;
                o.RequireHttpsMetadata = auth.Value.Authority is not null && auth.Value.RequireHttpsMetadata;
                o.Authority = (auth.Value.Authority ?? portalOptions.Value.PublicUrl ?? PortalAddresses.Listening(server).FirstOrDefault()
                    ?? throw new InvalidOperationException("The portal cannot tell the issuer's address: set Portal:PublicUrl.")).ToString();
            });

        services.AddAuthorization(o => o.AddPolicy(PortalAuthentication.Policy,
            p => p.AddAuthenticationSchemes(PortalAuthentication.CookieScheme).RequireAuthenticatedUser()));
        services.AddHostedService<PortalClientRegistrar>();
        return builder;
    }

    public static WebApplication MapSankofaPortal(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<PortalOptions>>().Value.Enabled)
        {
            return app;
        }

        app.UseAntiforgery();
        app.MapStaticAssets(Path.Combine(AppContext.BaseDirectory, EndpointsManifest)).AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization(PortalAuthentication.Policy);
        app.MapPortalDownloads();

        var account = app.MapGroup("/account").ExcludeFromDescription().AllowAnonymous();
        account.MapGet("/signin", (string? returnUrl) => Results.Challenge(
            new AuthenticationProperties { RedirectUri = LocalOrRoot(returnUrl) }, [PortalAuthentication.OidcScheme]));
        account.MapPost("/signout", () => Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/" }, [PortalAuthentication.CookieScheme, PortalAuthentication.OidcScheme]));
        return app;
    }

    private static string LocalOrRoot(string? returnUrl) => LocalReturnUrl.IsLocal(returnUrl) ? returnUrl! : "/";

    /// <summary>With the embedded issuer, the new session carries the account's version (see <see cref="SessionVersion"/>).</summary>
    private static async Task AddSessionVersionAsync(TokenValidatedContext context)
    {
        var services = context.HttpContext.RequestServices;
        if (services.GetRequiredService<IOptions<AuthOptions>>().Value.Authority is null
            && context.Principal?.Identity is ClaimsIdentity identity && identity.FindFirst("sub")?.Value is { } subject
            && await services.GetRequiredService<IAccountDirectory>().GetAsync(subject, context.HttpContext.RequestAborted) is { } account)
        {
            identity.AddClaim(SessionVersion.Claim(account));
        }
    }
}

/// <summary>The addresses the server listens on, as URLs a browser on this machine can open.</summary>
internal static class PortalAddresses
{
    public static IEnumerable<Uri> Listening(IServer server) =>
        (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Select(a => Uri.TryCreate(a.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal), UriKind.Absolute, out var u) ? u : null)
            .OfType<Uri>();
}
