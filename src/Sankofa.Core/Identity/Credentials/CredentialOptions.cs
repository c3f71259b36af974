namespace Sankofa.Core.Identity.Credentials;

/// <summary>Verifiable credential settings (configuration section <c>Credentials</c>).</summary>
public sealed class CredentialOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Credentials";

    /// <summary>Validity of a credential when the request names none. Default 30 days.</summary>
    public TimeSpan DefaultValidity { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Longest validity a request may ask for. Default 365 days.</summary>
    public TimeSpan MaxValidity { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Clock difference tolerated between issuer and verifier at <c>nbf</c> and <c>exp</c>. Default 1 minute.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest JWT accepted for verification, in characters. Default 16,384 (a role credential is well under 1,000).</summary>
    public int MaxJwtLength { get; set; } = 16 * 1024;
}
