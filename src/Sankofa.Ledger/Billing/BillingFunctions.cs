using System.Numerics;
using System.Text;
using Nethereum.ABI;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Sankofa.Ledger.Contracts;

namespace Sankofa.Ledger.Billing;

// ABI shapes of SankofaBilling for Nethereum's encoder (billing writes are few: a handful per invoice).
#pragma warning disable CA1812 // instantiated by Nethereum's encoder

[Function("recordPriceBook")]
internal sealed class RecordPriceBookFunction : FunctionMessage
{
    [Parameter("uint64", "version", 1)] public ulong Version { get; set; }
    [Parameter("bytes32", "hash", 2)] public byte[] Hash { get; set; } = [];
    [Parameter("uint64", "effectiveFrom", 3)] public ulong EffectiveFrom { get; set; }
}

[Function("issue")]
internal sealed class IssueFunction : FunctionMessage
{
    [Parameter("bytes32", "invoiceId", 1)] public byte[] InvoiceId { get; set; } = [];
    [Parameter("bytes32", "tenant", 2)] public byte[] Tenant { get; set; } = [];
    [Parameter("bytes32", "hash", 3)] public byte[] Hash { get; set; } = [];
    [Parameter("bytes32", "usageRoots", 4)] public byte[] UsageRoots { get; set; } = [];
    [Parameter("bytes32", "currency", 5)] public byte[] Currency { get; set; } = [];
    [Parameter("uint64", "periodStart", 6)] public ulong PeriodStart { get; set; }
    [Parameter("uint64", "periodEnd", 7)] public ulong PeriodEnd { get; set; }
    [Parameter("uint64", "priceBookVersion", 8)] public ulong PriceBookVersion { get; set; }
    [Parameter("uint128", "total", 9)] public BigInteger Total { get; set; }
    [Parameter("uint128", "credits", 10)] public BigInteger Credits { get; set; }
}

[Function("approve")]
internal sealed class ApproveInvoiceFunction : FunctionMessage
{
    [Parameter("bytes32", "invoiceId", 1)] public byte[] InvoiceId { get; set; } = [];
    [Parameter("bytes", "signature", 2)] public byte[] Signature { get; set; } = [];
}

[Function("dispute")]
internal sealed class DisputeFunction : FunctionMessage
{
    [Parameter("bytes32", "invoiceId", 1)] public byte[] InvoiceId { get; set; } = [];
    [Parameter("string", "reason", 2)] public string Reason { get; set; } = string.Empty;
    [Parameter("bytes", "signature", 3)] public byte[] Signature { get; set; } = [];
}

[Function("resolve")]
internal sealed class ResolveFunction : FunctionMessage
{
    [Parameter("bytes32", "invoiceId", 1)] public byte[] InvoiceId { get; set; } = [];
    [Parameter("bool", "upheld", 2)] public bool Upheld { get; set; }
    [Parameter("bytes", "signature", 3)] public byte[] Signature { get; set; } = [];
}

[Function("deposit")]
internal sealed class DepositFunction : FunctionMessage
{
    [Parameter("bytes32", "tenant", 1)] public byte[] Tenant { get; set; } = [];
    [Parameter("bytes32", "currency", 2)] public byte[] Currency { get; set; } = [];
    [Parameter("uint256", "amount", 3)] public BigInteger Amount { get; set; }
    [Parameter("bytes32", "paymentRef", 4)] public byte[] PaymentRef { get; set; } = [];
}

[Function("settle")]
internal sealed class SettleFunction : FunctionMessage
{
    [Parameter("bytes32", "invoiceId", 1)] public byte[] InvoiceId { get; set; } = [];
}

/// <summary>Encodings SankofaBilling shares with its parties (docs/billing.md).</summary>
internal static class BillingFunctions
{
    /// <summary><c>initialize(admin, identities, disputeWindow)</c>, run by the proxy's constructor.</summary>
    public static byte[] Initialize(string admin, string identityRegistry, ulong disputeWindowSeconds) =>
        [.. Abi.Selector("initialize(address,address,uint64)"), .. new ABIEncode().GetABIEncoded(
            new ABIValue("address", admin), new ABIValue("address", identityRegistry), new ABIValue("uint64", disputeWindowSeconds))];

    /// <summary>A currency code as the contract keeps it: its ASCII bytes, right-padded to 32 (<c>cast format-bytes32-string USD</c>).</summary>
    public static byte[] Currency(string code)
    {
        var word = new byte[32];
        Encoding.ASCII.GetBytes(code, word);
        return word;
    }
}
