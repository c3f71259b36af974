namespace Sankofa.Server.Portal;

/// <summary>Settings of the web portal (configuration section <c>Portal</c>).</summary>
public sealed class PortalOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Portal";

    /// <summary>Whether the server serves the portal at <c>/</c>. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The URL people open the portal at, when it is not one the server listens on (a proxy in front, or a listener
    /// on all interfaces). Its sign-in callback is registered with the embedded issuer; the listening addresses always are.
    /// </summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>The OIDC client the portal signs in as (authorization code with PKCE). With an external issuer, create it there.</summary>
    public string ClientId { get; set; } = "sankofa-portal";

    /// <summary>How long a portal sign-in lasts without activity. Default 8 hours (each page still asks the chain).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);
}
