using Sankofa.Agent.Protocol;
using Sankofa.Core.Agents;

namespace Sankofa.Server.Agents;

/// <summary>Checks a registration's proof and a rotation's consent with the agent's own definition of the site-key digest, so the two cannot drift apart.</summary>
internal sealed class SiteKeyProofs : ISiteKeyProofs
{
    public string? Signer(string registry, long chainId, string siteId, string key, byte[] signature) =>
        SiteSignatures.Signer(SiteKeyDigest.Compute(registry, chainId, siteId, key), signature);

    public string? RotationSigner(string registry, long chainId, string siteId, string oldKey, string newKey, byte[] signature) =>
        SiteSignatures.Signer(SiteKeyRotationDigest.Compute(registry, chainId, siteId, oldKey, newKey), signature);
}
