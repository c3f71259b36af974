namespace Sankofa.Server.Portal;

/// <summary>
/// The portal's own sign-in, apart from the API's bearer tokens: a cookie session, started through the OIDC
/// authorization-code flow (with PKCE) at the issuer, the embedded one or <c>Auth:Authority</c>.
/// </summary>
internal static class PortalAuthentication
{
    /// <summary>The cookie that holds a portal session.</summary>
    public const string CookieScheme = "Sankofa.Portal";

    /// <summary>The OIDC client handler that starts one.</summary>
    public const string OidcScheme = "Sankofa.Portal.Oidc";

    /// <summary>Where the issuer sends the browser back with the code.</summary>
    public const string CallbackPath = "/signin-oidc";

    /// <summary>Where the issuer sends the browser back after signing out.</summary>
    public const string SignedOutCallbackPath = "/signout-callback-oidc";

    /// <summary>The authorization policy of every portal page and of the Blazor circuit.</summary>
    public const string Policy = "Sankofa.Portal";
}
