namespace Sankofa.Proxmox;

/// <summary>A cluster's settings are incomplete or contradictory; the message names the configuration key.</summary>
public sealed class ProxmoxConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="key">The offending configuration key, for example <c>Proxmox:Clusters:edge-001:BaseUrl</c>.</param>
    /// <param name="message">What is wrong.</param>
    public ProxmoxConfigurationException(string key, string message)
        : base($"{key}: {message}")
    {
        Key = key;
    }

    /// <summary>The offending configuration key.</summary>
    public string Key { get; }

    internal static void Validate(string clusterId, ProxmoxClusterOptions options) => Validate(options, $"{ProxmoxOptions.SectionName}:Clusters:{clusterId}:");

    /// <summary>Checks one cluster's settings bound from elsewhere (a site agent's <c>Agent:Proxmox</c>), naming keys under <paramref name="prefix"/>.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="prefix">The configuration path they were bound from, ending in a colon (for example <c>Agent:Proxmox:</c>).</param>
    /// <exception cref="ProxmoxConfigurationException">A setting is missing or contradicts another.</exception>
    public static void Validate(ProxmoxClusterOptions options, string prefix)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BaseUrl is null || !options.BaseUrl.IsAbsoluteUri || options.BaseUrl.Scheme is not ("http" or "https"))
        {
            throw new ProxmoxConfigurationException(prefix + "BaseUrl", "an absolute http(s) URL of the Proxmox API is required, for example https://pve.example:8006");
        }

        // Over plain http the API token crosses the network in the clear and the certificate pin checks nothing.
        if (options.BaseUrl.Scheme != Uri.UriSchemeHttps && !options.BaseUrl.IsLoopback)
        {
            throw new ProxmoxConfigurationException(prefix + "BaseUrl", "must be an https URL (plain http only on loopback), for example https://pve.example:8006");
        }

        var token = !string.IsNullOrEmpty(options.TokenId) || !string.IsNullOrEmpty(options.TokenSecret);
        var user = !string.IsNullOrEmpty(options.Username) || !string.IsNullOrEmpty(options.Password);
        if (token && user)
        {
            throw new ProxmoxConfigurationException(prefix + "TokenId", "configure either an API token (TokenId, TokenSecret) or a user (Username, Password), not both");
        }

        if (!token && !user)
        {
            throw new ProxmoxConfigurationException(prefix + "TokenId", "an API token (TokenId, TokenSecret) or a user (Username, Password) is required");
        }

        if (token && (string.IsNullOrEmpty(options.TokenId) || !options.TokenId.Contains('@', StringComparison.Ordinal) || !options.TokenId.Contains('!', StringComparison.Ordinal)))
        {
            throw new ProxmoxConfigurationException(prefix + "TokenId", "must look like USER@REALM!TOKENID");
        }

        if (token && string.IsNullOrEmpty(options.TokenSecret))
        {
            throw new ProxmoxConfigurationException(prefix + "TokenSecret", "is required with TokenId");
        }

        if (user && (string.IsNullOrEmpty(options.Username) || !options.Username.Contains('@', StringComparison.Ordinal)))
        {
            throw new ProxmoxConfigurationException(prefix + "Username", "must look like USER@REALM, for example root@pam");
        }

        if (user && string.IsNullOrEmpty(options.Password))
        {
            throw new ProxmoxConfigurationException(prefix + "Password", "is required with Username");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            throw new ProxmoxConfigurationException(prefix + "RequestTimeout", "must be positive");
        }

        if (options.TaskTimeout <= TimeSpan.Zero)
        {
            throw new ProxmoxConfigurationException(prefix + "TaskTimeout", "must be positive");
        }

        if (options.TaskPollInterval <= TimeSpan.Zero)
        {
            throw new ProxmoxConfigurationException(prefix + "TaskPollInterval", "must be positive");
        }

        if (options.CertificateFingerprint is { } pin && Tls.CertificatePinning.Normalize(pin).Length != 64)
        {
            throw new ProxmoxConfigurationException(prefix + "CertificateFingerprint", "must be a SHA-256 fingerprint (64 hex digits, colons allowed)");
        }

        if (options.CertificateFingerprint is not null && options.BaseUrl.Scheme != Uri.UriSchemeHttps)
        {
            throw new ProxmoxConfigurationException(prefix + "CertificateFingerprint", "needs an https BaseUrl: over plain http there is no certificate to pin");
        }
    }
}
