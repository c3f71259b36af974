using System.Net.Security;
using System.Security.Cryptography;

namespace Sankofa.Proxmox.Tls;

/// <summary>Server certificate checks: a pinned SHA-256 fingerprint, else the system's trust, else (opt-in) anything.</summary>
internal static class CertificatePinning
{
    public static string Normalize(string fingerprint) => fingerprint.Replace(":", "", StringComparison.Ordinal).Trim().ToUpperInvariant();

    public static RemoteCertificateValidationCallback? Callback(ProxmoxClusterOptions options)
    {
        if (options.CertificateFingerprint is { } pin)
        {
            var expected = Normalize(pin);
            return (_, certificate, _, _) =>
                certificate is not null && Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())) == expected;
        }

        return options.AllowUntrustedCertificate ? (_, _, _, _) => true : null;
    }
}
