namespace Sankofa.Server.Identity.Access;

/// <summary>
/// Whose tokens the API accepts (configuration section <c>Auth</c>): by default the embedded issuer's; with
/// <see cref="Authority"/> set, an external issuer's (Keycloak, or another Sankofa region's issuer) instead.
/// </summary>
public sealed class AuthOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Auth";

    /// <summary>An external OIDC issuer (its discovery document is read from <c>{Authority}/.well-known/openid-configuration</c>). Null: the embedded issuer.</summary>
    public Uri? Authority { get; set; }

    /// <summary>The audience tokens must carry. Default <c>sankofa-api</c>.</summary>
    public string Audience { get; set; } = Oidc.OidcOptions.ApiAudience;

    /// <summary>
    /// The claim holding role grants in the external issuer's tokens, one value per grant (<c>role</c> or
    /// <c>role@scope</c>). Default <c>role</c>; for Keycloak, a client or realm role mapper writing <c>roles</c>.
    /// </summary>
    public string RoleClaim { get; set; } = "role";

    /// <summary>Whether the external issuer's metadata must come over HTTPS. Default true; false only for loopback tests.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}
