namespace Sankofa.Core.Provisioning;

/// <summary>
/// The hosting site's side of verification: reads what its own hypervisor runs for a resource, computes the spec hash
/// of that, and signs the chain's attestation digest with the site's key (never the control plane's).
/// </summary>
public interface ISiteAttestor
{
    /// <summary>Attests what runs for <paramref name="resource"/> on its site.</summary>
    /// <exception cref="ProvisioningException">The site's hypervisor does not answer, or runs no VM for the resource.</exception>
    Task<SiteAttestationResult> AttestAsync(Resource resource, CancellationToken cancellationToken);
}

/// <summary>What a site attested.</summary>
/// <param name="SiteId">The site.</param>
/// <param name="ObservedSpecHash">Spec hash of what the site's hypervisor runs.</param>
/// <param name="Signature">The site key's 65-byte signature over the chain's attestation digest of that hash.</param>
public sealed record SiteAttestationResult(string SiteId, byte[] ObservedSpecHash, byte[] Signature);
