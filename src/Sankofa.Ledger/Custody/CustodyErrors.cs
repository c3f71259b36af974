using System.Collections.Frozen;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Custody;

/// <summary>Names SankofaCustody's custom errors in a refusal, so whoever reads it knows why without decoding a selector.</summary>
internal static class CustodyErrors
{
    private static readonly FrozenDictionary<string, CustomError> BySelector = new CustomError[]
    {
        new("ZeroValue", [], "a zero id, hash, receiver, site or host"),
        new("AlreadyRegistered", ["bytes32"], "the asset is registered with another hash or by another supplier"),
        new("UnknownAsset", ["bytes32"], "the asset was never registered"),
        new("NotSupplier", ["address"], "the signer is no Active identity holding the supplier role, or signed other values"),
        new("NotInspector", ["address"], "the signer is no Active identity holding the inspector role, or signed other values"),
        new("NotCustodian", ["bytes32", "address"], "the signer is not the asset's custodian (the sender), or signed other values or another event"),
        new("NotReceiver", ["bytes32", "address"], "the receiver did not sign this transfer with its identity's controller key"),
        new("Decommissioned", ["bytes32"], "the asset is decommissioned: nothing follows"),
        new("LengthMismatch", [], "a batch's lists of ids, hashes, documents and signatures differ in length"),
        new("ECDSAInvalidSignature", [], "a signature is not a valid secp256k1 signature"),
        new("ECDSAInvalidSignatureLength", ["uint256"], "a signature is not 65 bytes"),
        new("ECDSAInvalidSignatureS", ["bytes32"], "a signature has a high s value"),
    }.ToFrozenDictionary(e => e.Selector, StringComparer.Ordinal);

    /// <summary>The error's name and "Name(0x…, …), meaning" for a known error, else null and the node's message.</summary>
    public static (string? Name, string Text) Describe(JsonRpcException revert) =>
        RevertReason.Decode(BySelector, revert) is ({ } error, var text) ? (error.Name, text) : (null, revert.Message);
}
