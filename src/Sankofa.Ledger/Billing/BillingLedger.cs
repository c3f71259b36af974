using System.Numerics;
using Microsoft.Extensions.Logging;
using Nethereum.Contracts;
using Sankofa.Core.Billing;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Billing;

/// <summary>
/// <see cref="IBillingLedger"/> on SankofaBilling: each write is estimated first with <c>eth_estimateGas</c> from the
/// signing key, which runs it (a refusal names the contract's reason and sends nothing), then sent through the gateway.
/// </summary>
internal sealed partial class BillingLedger(LedgerRuntime runtime, ILogger<BillingLedger> logger) : IBillingLedger
{
    private long _sequence;

    public Task<LedgerReceipt> RecordPriceBookAsync(long version, byte[] hash, DateTimeOffset effectiveFrom, CancellationToken cancellationToken) =>
        SendAsync($"record price book {version}", new RecordPriceBookFunction
        {
            Version = (ulong)version, Hash = Word(hash, nameof(hash)), EffectiveFrom = (ulong)effectiveFrom.ToUnixTimeSeconds(),
        }, cancellationToken);

    public Task<LedgerReceipt> IssueAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return SendAsync($"issue invoice {invoice.Id}", new IssueFunction
        {
            InvoiceId = LedgerIds.Of(invoice.Id), Tenant = LedgerIds.Of(invoice.TenantId), Hash = invoice.Hash(), UsageRoots = invoice.UsageRoots,
            Currency = BillingFunctions.Currency(invoice.Currency), PeriodStart = (ulong)invoice.PeriodStart.ToUnixTimeSeconds(),
            PeriodEnd = (ulong)invoice.PeriodEnd.ToUnixTimeSeconds(), PriceBookVersion = (ulong)invoice.PriceBookVersion,
            Total = invoice.Total, Credits = invoice.CreditTotal,
        }, cancellationToken);
    }

    public Task<OnChainInvoice?> GetInvoiceAsync(string invoiceId, CancellationToken cancellationToken)
    {
        var connection = runtime.Connection;
        return BillingCalls.InvoiceOfAsync(connection.Rpc, BillingAddress(connection), invoiceId, cancellationToken);
    }

    public Task<byte[]?> PriceBookHashAsync(long version, CancellationToken cancellationToken)
    {
        var connection = runtime.Connection;
        return BillingCalls.PriceBookHashAsync(connection.Rpc, BillingAddress(connection), version, cancellationToken);
    }

    public async Task<byte[]> ApprovalDigestAsync(string invoiceId, CancellationToken cancellationToken)
    {
        var connection = runtime.Connection;
        return BillingTypedData.Approval(BillingAddress(connection), connection.ChainId, LedgerIds.Of(invoiceId), await OnChainHashAsync(invoiceId, cancellationToken).ConfigureAwait(false));
    }

    public async Task<byte[]> DisputeDigestAsync(string invoiceId, string reason, CancellationToken cancellationToken)
    {
        var connection = runtime.Connection;
        return BillingTypedData.Dispute(BillingAddress(connection), connection.ChainId, LedgerIds.Of(invoiceId), await OnChainHashAsync(invoiceId, cancellationToken).ConfigureAwait(false), reason);
    }

    public async Task<byte[]> ResolutionDigestAsync(string invoiceId, bool upheld, CancellationToken cancellationToken)
    {
        var connection = runtime.Connection;
        return BillingTypedData.Resolution(BillingAddress(connection), connection.ChainId, LedgerIds.Of(invoiceId), await OnChainHashAsync(invoiceId, cancellationToken).ConfigureAwait(false), upheld);
    }

    public Task<LedgerReceipt> ApproveAsync(string invoiceId, byte[] signature, CancellationToken cancellationToken) =>
        SendAsync($"approve invoice {invoiceId}", new ApproveInvoiceFunction { InvoiceId = LedgerIds.Of(invoiceId), Signature = signature }, cancellationToken);

    public Task<LedgerReceipt> DisputeAsync(string invoiceId, string reason, byte[] signature, CancellationToken cancellationToken) =>
        SendAsync($"dispute invoice {invoiceId}", new DisputeFunction { InvoiceId = LedgerIds.Of(invoiceId), Reason = reason, Signature = signature }, cancellationToken);

    public Task<LedgerReceipt> ResolveAsync(string invoiceId, bool upheld, byte[] signature, CancellationToken cancellationToken) =>
        SendAsync($"resolve dispute of invoice {invoiceId}", new ResolveFunction { InvoiceId = LedgerIds.Of(invoiceId), Upheld = upheld, Signature = signature }, cancellationToken);

    public Task<LedgerReceipt> DepositAsync(string tenantId, string currency, long amount, string reference, CancellationToken cancellationToken) =>
        SendAsync($"deposit {amount} {currency} for tenant {tenantId} ({reference})", new DepositFunction
        {
            Tenant = LedgerIds.Of(tenantId), Currency = BillingFunctions.Currency(currency), Amount = amount, PaymentRef = LedgerIds.Of(reference),
        }, cancellationToken);

    public Task<LedgerReceipt> SettleAsync(string invoiceId, CancellationToken cancellationToken) =>
        SendAsync($"settle invoice {invoiceId}", new SettleFunction { InvoiceId = LedgerIds.Of(invoiceId) }, cancellationToken);

    public Task<long> BalanceAsync(string tenantId, string currency, CancellationToken cancellationToken)
    {
        var connection = runtime.Connection;
        return BillingCalls.BalanceAsync(connection.Rpc, BillingAddress(connection), tenantId, currency, cancellationToken);
    }

    private async Task<byte[]> OnChainHashAsync(string invoiceId, CancellationToken cancellationToken) =>
        (await GetInvoiceAsync(invoiceId, cancellationToken).ConfigureAwait(false))?.Hash
        ?? throw new BillingRefusedException("UnknownInvoice", $"Invoice {invoiceId} was never issued on chain.");

    private async Task<LedgerReceipt> SendAsync<TFunction>(string action, TFunction function, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new()
    {
        var connection = runtime.Connection;
        var contract = BillingAddress(connection);
        var data = function.GetCallData();

        var receipt = await CheckedWrite.SendAsync(connection, contract, "SankofaBilling", $"billing:{Interlocked.Increment(ref _sequence)}:{action}", action, data,
            ex =>
            {
                var (name, text) = BillingErrors.Describe(ex);
                return new BillingRefusedException(name ?? "Reverted", $"SankofaBilling refuses to {action}: {text}");
            }, cancellationToken).ConfigureAwait(false);
        LogRecorded(logger, action, receipt.TransactionHash, receipt.BlockNumber);
        return new LedgerReceipt(receipt.TransactionHash, receipt.BlockNumber);
    }

    private static string BillingAddress(LedgerConnection connection) =>
        connection.BillingAddress ?? throw new LedgerUnavailableException("The ledger has no SankofaBilling contract.");

    private static byte[] Word(byte[] value, string name) =>
        value is { Length: 32 } ? value : throw new ArgumentException("Must be 32 bytes.", name);

    [LoggerMessage(1, LogLevel.Information, "SankofaBilling: {Action} in transaction {Transaction}, block {Block}")]
    private static partial void LogRecorded(ILogger logger, string action, string transaction, long block);
}
