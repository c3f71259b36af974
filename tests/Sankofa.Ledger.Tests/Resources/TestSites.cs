using Sankofa.Core.Ledger;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Resources;

namespace Sankofa.Ledger.Tests.Resources;

/// <summary>The tests playing a site: a key of their own, registered with its proof of possession as a site's agent does.</summary>
internal static class TestSites
{
    public static byte[] NewKey()
    {
        using var key = SigningKey.Generate();
        return key.ExportSecret();
    }

    /// <summary>A new site id, unique to the test (a site keeps its key until it is rotated or revoked).</summary>
    public static string NewId(string prefix = "edge") => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>The site key's proof of possession over the ledger's registration digest.</summary>
    public static async Task<byte[]> ProofAsync(IResourceLedger ledger, string siteId, byte[] siteKey)
    {
        var digest = await ledger.SiteKeyDigestAsync(siteId, SiteAttestation.AddressOf(siteKey), CancellationToken.None);
        return SiteAttestation.Sign(siteKey, digest);
    }

    /// <summary>Registers a new key for the site and returns it.</summary>
    public static async Task<byte[]> RegisterNewKeyAsync(IResourceLedger ledger, string siteId)
    {
        var siteKey = NewKey();
        await ledger.RegisterSiteKeyAsync(siteId, SiteAttestation.AddressOf(siteKey), await ProofAsync(ledger, siteId, siteKey), CancellationToken.None);
        return siteKey;
    }
}
