namespace Sankofa.Proxmox;

/// <summary>Proxmox VE clusters Sankofa drives, bound from the <c>Proxmox</c> configuration section.</summary>
public sealed class ProxmoxOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Proxmox";

    /// <summary>Clusters by id (the site or cluster name Sankofa uses): <c>Proxmox:Clusters:{id}:BaseUrl</c> and so on.</summary>
    public Dictionary<string, ProxmoxClusterOptions> Clusters { get; } = new(StringComparer.Ordinal);
}

/// <summary>How to reach and authenticate to one Proxmox VE cluster. Give either an API token (preferred) or a user and password.</summary>
public sealed class ProxmoxClusterOptions
{
    /// <summary>The API endpoint: <c>https://pve.example:8006</c> or the same with <c>/api2/json</c>. Required; plain http only on loopback.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>API token id, <c>USER@REALM!TOKENID</c> (for example <c>sankofa@pve!provisioner</c>). With <see cref="TokenSecret"/>; no ticket or CSRF token is needed.</summary>
    public string? TokenId { get; set; }

    /// <summary>The API token's secret (a UUID).</summary>
    public string? TokenSecret { get; set; }

    /// <summary>User for ticket login, <c>USER@REALM</c>. With <see cref="Password"/>, when no token is configured.</summary>
    public string? Username { get; set; }

    /// <summary>The user's password.</summary>
    public string? Password { get; set; }

    /// <summary>Timeout of one HTTP request. Default 30 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a worker task (clone, start, …) may run before the wait gives up with a timeout. Default 10 minutes (full clones of large disks are slow).</summary>
    public TimeSpan TaskTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a running task's status is polled. Default 1 second.</summary>
    public TimeSpan TaskPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Age at which a login ticket is renewed before use; Proxmox tickets live 2 hours. Default 90 minutes.</summary>
    public TimeSpan TicketRenewalAge { get; set; } = TimeSpan.FromMinutes(90);

    /// <summary>
    /// SHA-256 fingerprint of the node's TLS certificate (hex, colons optional, as <c>pvenode cert info</c> prints it).
    /// When set, exactly that certificate is accepted, self-signed or not — the usual way to trust a fresh Proxmox node.
    /// </summary>
    public string? CertificateFingerprint { get; set; }

    /// <summary>Accept any TLS certificate. Default false. Only for labs: it lets anyone in the path impersonate the cluster; prefer <see cref="CertificateFingerprint"/>.</summary>
    public bool AllowUntrustedCertificate { get; set; }

    /// <summary>Tag put on every VM Sankofa creates, so operators see them in the Proxmox UI. Default <c>sankofa</c>.</summary>
    public string ManagedTag { get; set; } = "sankofa";
}
