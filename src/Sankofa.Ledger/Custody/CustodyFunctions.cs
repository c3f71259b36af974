using Nethereum.ABI;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Sankofa.Ledger.Contracts;

namespace Sankofa.Ledger.Custody;

// ABI shapes of SankofaCustody for Nethereum's encoder (custody writes are few: a handful per asset; registrations
// come in bulk and go in batches).
#pragma warning disable CA1812 // instantiated by Nethereum's encoder

[Function("register")]
internal sealed class RegisterAssetFunction : FunctionMessage
{
    [Parameter("bytes32", "assetId", 1)] public byte[] AssetId { get; set; } = [];
    [Parameter("bytes32", "assetHash", 2)] public byte[] AssetHash { get; set; } = [];
    [Parameter("bytes32", "documentHash", 3)] public byte[] DocumentHash { get; set; } = [];
    [Parameter("bytes", "signature", 4)] public byte[] Signature { get; set; } = [];
}

[Function("registerBatch")]
internal sealed class RegisterAssetsFunction : FunctionMessage
{
    [Parameter("bytes32[]", "assetIds", 1)] public List<byte[]> AssetIds { get; set; } = [];
    [Parameter("bytes32[]", "assetHashes", 2)] public List<byte[]> AssetHashes { get; set; } = [];
    [Parameter("bytes32[]", "documentHashes", 3)] public List<byte[]> DocumentHashes { get; set; } = [];
    [Parameter("bytes[]", "signatures", 4)] public List<byte[]> Signatures { get; set; } = [];
}

[Function("transfer")]
internal sealed class TransferAssetFunction : FunctionMessage
{
    [Parameter("bytes32", "assetId", 1)] public byte[] AssetId { get; set; } = [];
    [Parameter("bytes32", "to", 2)] public byte[] To { get; set; } = [];
    [Parameter("bytes32", "documentHash", 3)] public byte[] DocumentHash { get; set; } = [];
    [Parameter("bytes", "senderSignature", 4)] public byte[] SenderSignature { get; set; } = [];
    [Parameter("bytes", "receiverSignature", 5)] public byte[] ReceiverSignature { get; set; } = [];
}

[Function("inspect")]
internal sealed class InspectAssetFunction : FunctionMessage
{
    [Parameter("bytes32", "assetId", 1)] public byte[] AssetId { get; set; } = [];
    [Parameter("bool", "passed", 2)] public bool Passed { get; set; }
    [Parameter("bytes32", "documentHash", 3)] public byte[] DocumentHash { get; set; } = [];
    [Parameter("bytes", "signature", 4)] public byte[] Signature { get; set; } = [];
}

[Function("install")]
internal sealed class InstallAssetFunction : FunctionMessage
{
    [Parameter("bytes32", "assetId", 1)] public byte[] AssetId { get; set; } = [];
    [Parameter("bytes32", "site", 2)] public byte[] Site { get; set; } = [];
    [Parameter("bytes32", "host", 3)] public byte[] Host { get; set; } = [];
    [Parameter("bytes32", "documentHash", 4)] public byte[] DocumentHash { get; set; } = [];
    [Parameter("bytes", "signature", 5)] public byte[] Signature { get; set; } = [];
}

[Function("decommission")]
internal sealed class DecommissionAssetFunction : FunctionMessage
{
    [Parameter("bytes32", "assetId", 1)] public byte[] AssetId { get; set; } = [];
    [Parameter("bytes32", "certificateHash", 2)] public byte[] CertificateHash { get; set; } = [];
    [Parameter("bytes", "signature", 3)] public byte[] Signature { get; set; } = [];
}

/// <summary>Encodings of SankofaCustody's deployment.</summary>
internal static class CustodyFunctions
{
    /// <summary><c>initialize(admin, identities)</c>, run by the proxy's constructor.</summary>
    public static byte[] Initialize(string admin, string identityRegistry) =>
        [.. Abi.Selector("initialize(address,address)"), .. new ABIEncode().GetABIEncoded(new ABIValue("address", admin), new ABIValue("address", identityRegistry))];
}
