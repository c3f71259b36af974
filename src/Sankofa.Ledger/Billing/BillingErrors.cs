using System.Collections.Frozen;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Billing;

/// <summary>Names SankofaBilling's custom errors in a refusal, so whoever reads it knows why without decoding a selector.</summary>
internal static class BillingErrors
{
    private static readonly FrozenDictionary<string, CustomError> BySelector = new CustomError[]
    {
        new("ZeroValue", [], "a zero id, hash, currency, amount or reference"),
        new("Conflict", ["bytes32"], "a repeat carries other values than the first"),
        new("UnknownPriceBook", ["uint64"], "no price book of that version was recorded"),
        new("UnknownInvoice", ["bytes32"], "the invoice was never issued"),
        new("BadPeriod", ["uint64", "uint64"], "the period does not end after it starts"),
        new("WrongState", ["bytes32", "uint8"], "the invoice is not in a state that allows this"),
        new("NotCustomer", ["bytes32", "address"], "the signer is neither the tenant's customer (tenant-admin or billing-viewer) nor an auditor, or signed another invoice"),
        new("NotAuditor", ["bytes32", "address"], "the signer holds no auditor role, or signed another resolution"),
        new("DisputeWindowOpen", ["bytes32", "uint256"], "an auditor's approval alone counts only after the dispute window"),
        new("Shortfall", ["bytes32", "uint256", "uint128"], "the tenant's credit is less than the invoice's total"),
        new("AccessControlUnauthorizedAccount", ["address", "bytes32"], "the signing key lacks the role this call needs"),
    }.ToFrozenDictionary(e => e.Selector, StringComparer.Ordinal);

    /// <summary>The error's name and "Name(0x…, …), meaning" for a known error, else null and the node's message.</summary>
    public static (string? Name, string Text) Describe(JsonRpcException revert) =>
        RevertReason.Decode(BySelector, revert) is ({ } error, var text) ? (error.Name, text) : (null, revert.Message);
}
