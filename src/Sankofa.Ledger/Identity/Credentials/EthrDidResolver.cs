using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Credentials;
using Sankofa.Ledger.Hosting;

namespace Sankofa.Ledger.Identity.Credentials;

/// <summary>
/// Resolves did:ethr DIDs on this chain: an identity's from the IdentityRegistry (the identity bound to the controller
/// address, with its status; suspended and revoked ones are deactivated), a control plane's from its signing address,
/// which needs no registry entry.
/// </summary>
internal sealed class EthrDidResolver(LedgerRuntime runtime, IIdentityLedger identities) : IDidResolver
{
    public EthrDid ControlPlaneDid()
    {
        var connection = runtime.Connection;
        return EthrDid.For(connection.ChainId, connection.SignerAddress);
    }

    public async Task<DidResolution?> ResolveAsync(EthrDid did, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(did);
        var connection = runtime.Connection;
        if (did.ChainId is { } chainId && chainId != connection.ChainId)
        {
            return null;
        }

        var canonical = did.OnChain(connection.ChainId).ToString();
        var document = DidDocument.For(did, connection.ChainId);
        if (string.Equals(did.Address, connection.SignerAddress, StringComparison.OrdinalIgnoreCase))
        {
            return new DidResolution(document, new DidDocumentMetadata(canonical, connection.ChainId, false, null, null, ControlPlane: true));
        }

        if (await identities.FindByControllerAsync(did.Address, cancellationToken).ConfigureAwait(false) is { } identity)
        {
            // Suspended counts as deactivated too: while it lasts nothing the DID signs may be trusted. Status says which.
            var metadata = new DidDocumentMetadata(
                canonical, connection.ChainId, identity.Status != IdentityStatus.Active, identity.Status, identity.UpdatedBlock, ControlPlane: false);
            return new DidResolution(document, metadata);
        }

        return await OnChainChecks.IsControlPlaneAsync(connection, did.Address, cancellationToken).ConfigureAwait(false)
            ? new DidResolution(document, new DidDocumentMetadata(canonical, connection.ChainId, false, null, null, ControlPlane: true))
            : null;
    }
}
