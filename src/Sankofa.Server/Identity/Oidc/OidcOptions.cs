namespace Sankofa.Server.Identity.Oidc;

/// <summary>Settings of the embedded OIDC issuer (configuration section <c>Oidc</c>).</summary>
public sealed class OidcOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Oidc";

    /// <summary>The audience (<c>aud</c>) of the access tokens the issuer makes for the Sankofa API.</summary>
    public const string ApiAudience = "sankofa-api";

    /// <summary>The scope a client asks for to call the Sankofa API.</summary>
    public const string ApiScope = "sankofa";

    /// <summary>Client id of the portal (authorization code with PKCE).</summary>
    public const string PortalClientId = "sankofa-portal";

    /// <summary>Client id of the CLI (device authorization).</summary>
    public const string CliClientId = "sankofa-cli";

    /// <summary>
    /// The issuer URL tokens carry (<c>iss</c>). Default: the URL the request came in on, which is right for a server
    /// reached under one name; set it when a proxy or several names front the server.
    /// </summary>
    public Uri? Issuer { get; set; }

    /// <summary>Where the portal may be sent back to after sign-in (absolute URIs). The portal client exists only when some are set.</summary>
    public List<Uri> PortalRedirectUris { get; } = [];

    /// <summary>Where the portal may be sent after sign-out.</summary>
    public List<Uri> PortalPostLogoutRedirectUris { get; } = [];

    /// <summary>Lifetime of access tokens. Default 15 minutes (revocation is enforced per call through the chain anyway).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Lifetime of refresh tokens. Default 8 hours.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Whether the issuer refuses requests that did not arrive over HTTPS. Default false: the server listens on plain
    /// HTTP on loopback (<c>sankofa up</c>) or behind a TLS-terminating proxy; set true when it faces clients directly.
    /// </summary>
    public bool RequireHttps { get; set; }

    /// <summary>
    /// Client id of a platform-admin service account to create at start when none has this name, for automation that
    /// must call the API on a fresh installation before anyone signs in (as Keycloak's bootstrap admin client). It
    /// authenticates with this id and <see cref="BootstrapClientSecret"/> through client credentials. Unset by default;
    /// remove it (and revoke the account) once real accounts exist.
    /// </summary>
    public string? BootstrapClientId { get; set; }

    /// <summary>The bootstrap client's secret (at least 32 characters); pass it through the environment or a secret store, not a file in the repository.</summary>
    public string? BootstrapClientSecret { get; set; }
}
