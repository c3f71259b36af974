using System.Text;
using Nethereum.ABI;
using Nethereum.Util;

namespace Sankofa.Ledger.Billing;

/// <summary>
/// The EIP-712 messages the parties to an invoice sign (docs/billing.md), computed off chain as SankofaBilling computes
/// them: domain <c>{name: "SankofaBilling", version: "1", chainId, verifyingContract}</c>, and the types
/// <c>InvoiceApproval(bytes32 invoiceId,bytes32 invoiceHash)</c>, <c>InvoiceDispute(bytes32 invoiceId,bytes32
/// invoiceHash,string reason)</c> and <c>DisputeResolution(bytes32 invoiceId,bytes32 invoiceHash,bool upheld)</c>; the
/// digest is <c>keccak256(0x1901 ‖ domainSeparator ‖ structHash)</c>, signed without any prefix.
/// </summary>
public static class BillingTypedData
{
    private static readonly byte[] DomainType = Keccak("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    private static readonly byte[] ApprovalType = Keccak("InvoiceApproval(bytes32 invoiceId,bytes32 invoiceHash)");
    private static readonly byte[] DisputeType = Keccak("InvoiceDispute(bytes32 invoiceId,bytes32 invoiceHash,string reason)");
    private static readonly byte[] ResolutionType = Keccak("DisputeResolution(bytes32 invoiceId,bytes32 invoiceHash,bool upheld)");

    /// <summary>The digest approving <paramref name="invoiceHash"/> as invoice <paramref name="invoiceId"/> (its on-chain id, keccak-256 of the id).</summary>
    public static byte[] Approval(string contract, long chainId, byte[] invoiceId, byte[] invoiceHash) =>
        Digest(contract, chainId, Encode(new ABIValue("bytes32", ApprovalType), new ABIValue("bytes32", invoiceId), new ABIValue("bytes32", invoiceHash)));

    /// <summary>The digest disputing the invoice with <paramref name="reason"/>.</summary>
    public static byte[] Dispute(string contract, long chainId, byte[] invoiceId, byte[] invoiceHash, string reason) =>
        Digest(contract, chainId, Encode(new ABIValue("bytes32", DisputeType), new ABIValue("bytes32", invoiceId), new ABIValue("bytes32", invoiceHash),
            new ABIValue("bytes32", Keccak(reason))));

    /// <summary>The digest resolving the dispute (<paramref name="upheld"/>: the customer was right, the invoice is voided).</summary>
    public static byte[] Resolution(string contract, long chainId, byte[] invoiceId, byte[] invoiceHash, bool upheld) =>
        Digest(contract, chainId, Encode(new ABIValue("bytes32", ResolutionType), new ABIValue("bytes32", invoiceId), new ABIValue("bytes32", invoiceHash),
            new ABIValue("bool", upheld)));

    /// <summary>
    /// Signs a digest as a party does with its identity's controller key: 65 bytes <c>r ‖ s ‖ v</c> (v 27 or 28), no
    /// prefix — what <c>cast wallet sign --no-hash</c> gives for the same digest.
    /// </summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, byte[] digest)
    {
        using var key = new Keys.SigningKey(privateKey);
        var (r, s, recovery) = key.Sign(digest);
        return [.. r, .. s, (byte)(27 + recovery)];
    }

    /// <summary>The address of a controller key.</summary>
    public static string AddressOf(ReadOnlySpan<byte> privateKey)
    {
        using var key = new Keys.SigningKey(privateKey);
        return key.Address;
    }

    private static byte[] Digest(string contract, long chainId, byte[] structHash)
    {
        var domain = Encode(new ABIValue("bytes32", DomainType), new ABIValue("bytes32", Keccak("SankofaBilling")), new ABIValue("bytes32", Keccak("1")),
            new ABIValue("uint256", chainId), new ABIValue("address", contract));
        return Sha3Keccack.Current.CalculateHash([0x19, 0x01, .. domain, .. structHash]);
    }

    private static byte[] Encode(params ABIValue[] values) => Sha3Keccack.Current.CalculateHash(new ABIEncode().GetABIEncoded(values));

    private static byte[] Keccak(string text) => Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(text));
}
