using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Sankofa.Ledger.Contracts;

// ABI shapes of ResourceRegistry for Nethereum's encoder. Unlike AuditAnchor's hot path, these calls are one per
// resource transition (and one multicall per transaction), so the library's reflection-based encoding costs nothing that matters.
#pragma warning disable CA1812 // instantiated by Nethereum's decoder

[Function("setSiteKey")]
internal sealed class SetSiteKeyFunction : FunctionMessage
{
    [Parameter("bytes32", "site", 1)] public byte[] Site { get; set; } = [];
    [Parameter("address", "key", 2)] public string Key { get; set; } = string.Empty;
    [Parameter("bytes", "proof", 3)] public byte[] Proof { get; set; } = [];
}

[Function("siteKeyOf", "address")]
internal sealed class SiteKeyOfFunction : FunctionMessage
{
    [Parameter("bytes32", "site", 1)] public byte[] Site { get; set; } = [];
}

[Function("request")]
internal sealed class RequestFunction : FunctionMessage
{
    [Parameter("bytes32", "resourceId", 1)] public byte[] ResourceId { get; set; } = [];
    [Parameter("bytes32", "specHash", 2)] public byte[] SpecHash { get; set; } = [];
}

[Function("place")]
internal sealed class PlaceFunction : FunctionMessage
{
    [Parameter("bytes32", "resourceId", 1)] public byte[] ResourceId { get; set; } = [];
    [Parameter("bytes32", "site", 2)] public byte[] Site { get; set; } = [];
    [Parameter("bytes32", "host", 3)] public byte[] Host { get; set; } = [];
}

[Function("provisioned")]
internal sealed class ProvisionedFunction : FunctionMessage
{
    [Parameter("bytes32", "resourceId", 1)] public byte[] ResourceId { get; set; } = [];
    [Parameter("bytes32", "specHash", 2)] public byte[] SpecHash { get; set; } = [];
}

[Function("attest")]
internal sealed class AttestFunction : FunctionMessage
{
    [Parameter("bytes32", "resourceId", 1)] public byte[] ResourceId { get; set; } = [];
    [Parameter("bytes32", "specHash", 2)] public byte[] SpecHash { get; set; } = [];
    [Parameter("bytes", "signature", 3)] public byte[] Signature { get; set; } = [];
}

[Function("resize")]
internal sealed class ResizeFunction : FunctionMessage
{
    [Parameter("bytes32", "resourceId", 1)] public byte[] ResourceId { get; set; } = [];
    [Parameter("bytes32", "specHash", 2)] public byte[] SpecHash { get; set; } = [];
}

[Function("requestRemoval")]
internal sealed class RequestRemovalFunction : FunctionMessage
{
    [Parameter("bytes32", "resourceId", 1)] public byte[] ResourceId { get; set; } = [];
}

[Function("remove")]
internal sealed class RemoveFunction : FunctionMessage
{
    [Parameter("bytes32", "resourceId", 1)] public byte[] ResourceId { get; set; } = [];
}

[Function("multicall", "bytes[]")]
internal sealed class MulticallFunction : FunctionMessage
{
    [Parameter("bytes[]", "data", 1)] public List<byte[]> Data { get; set; } = [];
}

[Function("attestationDigest", "bytes32")]
internal sealed class AttestationDigestFunction : FunctionMessage
{
    [Parameter("bytes32", "resourceId", 1)] public byte[] ResourceId { get; set; } = [];
    [Parameter("bytes32", "specHash", 2)] public byte[] SpecHash { get; set; } = [];
}

[Function("rotateSiteKey")]
internal sealed class RotateSiteKeyFunction : FunctionMessage
{
    [Parameter("bytes32", "site", 1)] public byte[] Site { get; set; } = [];
    [Parameter("address", "newKey", 2)] public string NewKey { get; set; } = string.Empty;
    [Parameter("bytes", "signatureByOldKey", 3)] public byte[] SignatureByOldKey { get; set; } = [];
    [Parameter("bytes", "proofByNewKey", 4)] public byte[] ProofByNewKey { get; set; } = [];
}

[Function("revokeSiteKey")]
internal sealed class RevokeSiteKeyFunction : FunctionMessage
{
    [Parameter("bytes32", "site", 1)] public byte[] Site { get; set; } = [];
}

[Function("siteKeyDigest", "bytes32")]
internal sealed class SiteKeyDigestFunction : FunctionMessage
{
    [Parameter("bytes32", "site", 1)] public byte[] Site { get; set; } = [];
    [Parameter("address", "key", 2)] public string Key { get; set; } = string.Empty;
}

[Function("isVerified", "bool")]
internal sealed class IsVerifiedFunction : FunctionMessage
{
    [Parameter("bytes32", "resourceId", 1)] public byte[] ResourceId { get; set; } = [];
}

[Function("resourceOf", typeof(ResourceOfOutput))]
internal sealed class ResourceOfFunction : FunctionMessage
{
    [Parameter("bytes32", "resourceId", 1)] public byte[] ResourceId { get; set; } = [];
}

[Function("hasRole", "bool")]
internal sealed class HasRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "role", 1)] public byte[] Role { get; set; } = [];
    [Parameter("address", "account", 2)] public string Account { get; set; } = string.Empty;
}

[FunctionOutput]
internal sealed class ResourceOfOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "", 1)] public ResourceTuple Resource { get; set; } = new();
}

internal sealed class ResourceTuple
{
    [Parameter("uint8", "state", 1)] public byte State { get; set; }
    [Parameter("bytes32", "specHash", 2)] public byte[] SpecHash { get; set; } = [];
    [Parameter("bytes32", "site", 3)] public byte[] Site { get; set; } = [];
    [Parameter("bytes32", "host", 4)] public byte[] Host { get; set; } = [];
    [Parameter("bytes32", "controlPlaneAttestation", 5)] public byte[] ControlPlaneAttestation { get; set; } = [];
    [Parameter("bytes32", "siteAttestation", 6)] public byte[] SiteAttestation { get; set; } = [];
    [Parameter("uint64", "updatedBlock", 7)] public BigInteger UpdatedBlock { get; set; }
}

[Function("placeIn")]
internal sealed class PlaceInFunction : FunctionMessage
{
    [Parameter("bytes32", "resourceId", 1)] public byte[] ResourceId { get; set; } = [];
    [Parameter("bytes32", "site", 2)] public byte[] Site { get; set; } = [];
    [Parameter("bytes32", "host", 3)] public byte[] Host { get; set; } = [];
    [Parameter("bytes2", "jurisdiction", 4)] public byte[] Jurisdiction { get; set; } = [];
}

[Function("jurisdictionOf", "bytes2")]
internal sealed class JurisdictionOfFunction : FunctionMessage
{
    [Parameter("bytes32", "resourceId", 1)] public byte[] ResourceId { get; set; } = [];
}
#pragma warning restore CA1812
