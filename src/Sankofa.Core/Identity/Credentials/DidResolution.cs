namespace Sankofa.Core.Identity.Credentials;

/// <summary>A resolved DID: its document and what the chain says about it.</summary>
/// <param name="Document">The W3C DID document.</param>
/// <param name="Metadata">Status and deactivation, from the IdentityRegistry.</param>
public sealed record DidResolution(DidDocument Document, DidDocumentMetadata Metadata);

/// <summary>
/// A DID document (W3C DID Core) for a did:ethr: one verification method, the controller address's secp256k1 key as an
/// <c>EcdsaSecp256k1RecoveryMethod2020</c> (the key is recovered from a signature, so the document needs only the
/// account), used for authentication and to sign credentials (assertionMethod).
/// </summary>
/// <param name="Id">The DID resolved.</param>
/// <param name="VerificationMethod">The controller key.</param>
/// <param name="Authentication">Ids of the methods that authenticate as the DID.</param>
/// <param name="AssertionMethod">Ids of the methods that may sign credentials for the DID.</param>
public sealed record DidDocument(string Id, IReadOnlyList<VerificationMethod> VerificationMethod, IReadOnlyList<string> Authentication, IReadOnlyList<string> AssertionMethod)
{
    /// <summary>The JSON-LD contexts of the document: DID Core and the secp256k1 recovery suite.</summary>
    public static readonly IReadOnlyList<string> Context = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/secp256k1recovery-2020/v2"];

    /// <summary>The verification method type of a did:ethr controller key.</summary>
    public const string RecoveryMethodType = "EcdsaSecp256k1RecoveryMethod2020";

    /// <summary>The document of <paramref name="did"/> on chain <paramref name="chainId"/>.</summary>
    public static DidDocument For(EthrDid did, long chainId)
    {
        ArgumentNullException.ThrowIfNull(did);
        var id = did.ToString();
        var key = id + EthrDid.ControllerFragment;
        return new DidDocument(id, [new VerificationMethod(key, RecoveryMethodType, id, did.BlockchainAccountId(chainId))], [key], [key]);
    }
}

/// <summary>A verification method of a DID document.</summary>
/// <param name="Id">DID URL of the method (<c>did#controller</c>).</param>
/// <param name="Type">Its suite, <see cref="DidDocument.RecoveryMethodType"/>.</param>
/// <param name="Controller">The DID that controls it.</param>
/// <param name="BlockchainAccountId">The account whose key signs, CAIP-10: <c>eip155:&lt;chainId&gt;:&lt;address&gt;</c>.</param>
public sealed record VerificationMethod(string Id, string Type, string Controller, string BlockchainAccountId);

/// <summary>DID document metadata (W3C DID Resolution).</summary>
/// <param name="CanonicalId">The DID with its chain id: the form credentials carry.</param>
/// <param name="ChainId">The chain the DID lives on.</param>
/// <param name="Deactivated">True while the identity is suspended or after it is revoked: its keys must not be trusted.</param>
/// <param name="Status">The IdentityRegistry status; null for a control plane's DID, which is no registered identity.</param>
/// <param name="UpdatedBlock">Block of the identity's last change on chain; null for a control plane.</param>
/// <param name="ControlPlane">True when the DID is a control plane's (a credential issuer sharing this chain), not an identity's.</param>
public sealed record DidDocumentMetadata(string CanonicalId, long ChainId, bool Deactivated, IdentityStatus? Status, long? UpdatedBlock, bool ControlPlane);
