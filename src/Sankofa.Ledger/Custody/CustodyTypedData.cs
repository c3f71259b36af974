using System.Text;
using NBitcoin.Secp256k1;
using Nethereum.ABI;
using Nethereum.Util;

namespace Sankofa.Ledger.Custody;

/// <summary>
/// The EIP-712 messages the parties to an asset's custody sign (docs/hardware.md), computed off chain as SankofaCustody
/// computes them: domain <c>{name: "SankofaCustody", version: "1", chainId, verifyingContract}</c> and the types
/// <c>AssetRegistration(bytes32 assetId,bytes32 assetHash,bytes32 documentHash)</c>,
/// <c>CustodyTransfer(bytes32 assetId,uint64 sequence,bytes32 from,bytes32 to,bytes32 documentHash)</c>,
/// <c>AssetInspection(bytes32 assetId,uint64 sequence,bool passed,bytes32 documentHash)</c>,
/// <c>AssetInstallation(bytes32 assetId,uint64 sequence,bytes32 site,bytes32 host,bytes32 documentHash)</c> and
/// <c>AssetDecommission(bytes32 assetId,uint64 sequence,bytes32 certificateHash)</c>. Ids are keccak-256 of the string
/// ids; <c>sequence</c> is the asset's event count on chain (the number the new event gets); the digest is
/// <c>keccak256(0x1901 ‖ domainSeparator ‖ structHash)</c>, signed without any prefix.
/// </summary>
public static class CustodyTypedData
{
    private static readonly byte[] DomainType = Keccak("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    private static readonly byte[] RegistrationType = Keccak("AssetRegistration(bytes32 assetId,bytes32 assetHash,bytes32 documentHash)");
    private static readonly byte[] TransferType = Keccak("CustodyTransfer(bytes32 assetId,uint64 sequence,bytes32 from,bytes32 to,bytes32 documentHash)");
    private static readonly byte[] InspectionType = Keccak("AssetInspection(bytes32 assetId,uint64 sequence,bool passed,bytes32 documentHash)");
    private static readonly byte[] InstallationType = Keccak("AssetInstallation(bytes32 assetId,uint64 sequence,bytes32 site,bytes32 host,bytes32 documentHash)");
    private static readonly byte[] DecommissionType = Keccak("AssetDecommission(bytes32 assetId,uint64 sequence,bytes32 certificateHash)");

    /// <summary>The digest a supplier signs to register the asset (ids already hashed: 32 bytes each).</summary>
    public static byte[] Registration(string contract, long chainId, byte[] assetId, byte[] assetHash, byte[] documentHash) =>
        Digest(contract, chainId, Encode(W(RegistrationType), W(assetId), W(assetHash), W(documentHash)));

    /// <summary>The digest sender (<paramref name="from"/>, the custodian) and receiver both sign to hand the asset on as event <paramref name="sequence"/>.</summary>
    public static byte[] Transfer(string contract, long chainId, byte[] assetId, long sequence, byte[] from, byte[] to, byte[] documentHash) =>
        Digest(contract, chainId, Encode(W(TransferType), W(assetId), new ABIValue("uint64", (ulong)sequence), W(from), W(to), W(documentHash)));

    /// <summary>The digest an inspector signs to record an inspection as event <paramref name="sequence"/>.</summary>
    public static byte[] Inspection(string contract, long chainId, byte[] assetId, long sequence, bool passed, byte[] documentHash) =>
        Digest(contract, chainId, Encode(W(InspectionType), W(assetId), new ABIValue("uint64", (ulong)sequence), new ABIValue("bool", passed), W(documentHash)));

    /// <summary>The digest the custodian signs to record the installation at <paramref name="site"/> and <paramref name="host"/> as event <paramref name="sequence"/>.</summary>
    public static byte[] Installation(string contract, long chainId, byte[] assetId, long sequence, byte[] site, byte[] host, byte[] documentHash) =>
        Digest(contract, chainId, Encode(W(InstallationType), W(assetId), new ABIValue("uint64", (ulong)sequence), W(site), W(host), W(documentHash)));

    /// <summary>The digest the custodian signs to decommission the asset as event <paramref name="sequence"/>.</summary>
    public static byte[] Decommission(string contract, long chainId, byte[] assetId, long sequence, byte[] certificateHash) =>
        Digest(contract, chainId, Encode(W(DecommissionType), W(assetId), new ABIValue("uint64", (ulong)sequence), W(certificateHash)));

    /// <summary>
    /// Signs a digest as a party does with its identity's controller key: 65 bytes <c>r ‖ s ‖ v</c> (v 27 or 28), no
    /// prefix — what <c>cast wallet sign --no-hash</c> gives for the same digest.
    /// </summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, byte[] digest) => Billing.BillingTypedData.Sign(privateKey, digest);

    /// <summary>The address (0x, lower case) whose key made <paramref name="signature"/> over <paramref name="digest"/>, or null when it is none.</summary>
    public static string? Signer(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        if (digest.Length != 32 || signature.Length != 65 || signature[64] is not (27 or 28)
            || !SecpRecoverableECDSASignature.TryCreateFromCompact(signature[..64], signature[64] - 27, out var recoverable)
            || !ECPubKey.TryRecover(Context.Instance, recoverable, digest, out var key))
        {
            return null;
        }

        Span<byte> uncompressed = stackalloc byte[65];
        key.WriteToSpan(false, uncompressed, out _);
        return "0x" + Convert.ToHexStringLower(Sha3Keccack.Current.CalculateHash(uncompressed[1..].ToArray()).AsSpan(12, 20));
    }

    private static ABIValue W(byte[] word) => new("bytes32", word);

    private static byte[] Digest(string contract, long chainId, byte[] structHash)
    {
        var domain = Encode(W(DomainType), W(Keccak("SankofaCustody")), W(Keccak("1")), new ABIValue("uint256", chainId), new ABIValue("address", contract));
        return Sha3Keccack.Current.CalculateHash([0x19, 0x01, .. domain, .. structHash]);
    }

    private static byte[] Encode(params ABIValue[] values) => Sha3Keccack.Current.CalculateHash(new ABIEncode().GetABIEncoded(values));

    private static byte[] Keccak(string text) => Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(text));
}
