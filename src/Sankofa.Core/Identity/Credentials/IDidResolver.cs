namespace Sankofa.Core.Identity.Credentials;

/// <summary>Resolves did:ethr DIDs from the chain: identities through the IdentityRegistry, control planes by their signing address.</summary>
public interface IDidResolver
{
    /// <summary>
    /// The DID's document and status, or null when the DID names nothing on this chain: no identity is bound to the
    /// address, it is no control plane's, or the DID names another chain.
    /// </summary>
    /// <exception cref="Ledger.LedgerUnavailableException">The chain cannot be read.</exception>
    Task<DidResolution?> ResolveAsync(EthrDid did, CancellationToken cancellationToken);

    /// <summary>This control plane's DID (its signing address on this chain), the issuer of its credentials.</summary>
    /// <exception cref="Ledger.LedgerUnavailableException">The ledger has not started.</exception>
    EthrDid ControlPlaneDid();
}
