using System.Text.Json;
using System.Text.RegularExpressions;
using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Core.Tenancy;

namespace Sankofa.Core.Billing;

/// <summary>A deposit as asked for (billing-admin): a payment received off chain.</summary>
/// <param name="TenantId">The tenant credited.</param>
/// <param name="Currency">ISO 4217 code of the payment.</param>
/// <param name="Amount">Minor units, positive.</param>
/// <param name="Reference">The payment's reference: a deposit is recorded once per reference.</param>
public sealed record DepositRequest(string? TenantId, string? Currency, long? Amount, string? Reference);

/// <summary>A tenant's account in one currency: its credit on chain, what was paid in and what was billed.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Currency">The currency.</param>
/// <param name="Balance">Its credit as the chain holds it, minor units.</param>
/// <param name="Deposits">Payments recorded, oldest first.</param>
/// <param name="Invoices">Invoices in the currency, oldest period first.</param>
/// <param name="Outstanding">What issued, disputed and final invoices still ask for.</param>
public sealed record Statement(string TenantId, string Currency, long Balance, IReadOnlyList<Deposit> Deposits, IReadOnlyList<StoredInvoice> Invoices, long Outstanding);

/// <summary>
/// Invoices for REST, CLI and portal alike (docs/billing.md): read within the caller's tenants (billing.read), with
/// their evidence for verification; the parties' signed approvals, disputes and resolutions relayed to the chain as they
/// signed them (the contract decides who may sign); deposits recorded (billing.write, platform-wide); statements.
/// </summary>
public sealed partial class InvoiceService(
    IInvoiceStore store, BillingRunService runs, IBillingLedger ledger, IPriceBookStore priceBooks, IAuditAnchorLedger anchors, ITenantStore tenants, TimeProvider time)
{
    private const int MaxPage = 500;

    /// <summary>Evidence entries per page unless asked otherwise: each is at most 64 KiB of payload.</summary>
    public const int DefaultEvidencePage = 100;

    /// <summary>The most evidence entries a page holds.</summary>
    public const int MaxEvidencePage = 500;

    /// <summary>A page of runs and invoices within the caller's tenants.</summary>
    public async Task<Result<InvoicePage>> ListAsync(
        Caller caller, string? tenantId, InvoiceStatus? status, string? after, int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.HasAny(Permission.BillingRead))
        {
            return AccessErrors.Forbidden(Permission.BillingRead);
        }

        if (limit is < 1 or > MaxPage)
        {
            return Error.Invalid(new Dictionary<string, string[]> { ["limit"] = [$"Between 1 and {MaxPage}."] });
        }

        return Result<InvoicePage>.Ok(await store.ListAsync(
            new InvoiceQuery(caller.TenantsWith(Permission.BillingRead), tenantId, status, after, limit ?? 100), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One run or invoice; with <paramref name="fromChain"/> its state read from the chain first.</summary>
    public async Task<Result<StoredInvoice>> GetAsync(Caller caller, string id, bool fromChain, CancellationToken cancellationToken)
    {
        var (invoice, denied) = await FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        if (fromChain && invoice!.Status is not (InvoiceStatus.Waiting or InvoiceStatus.Issuing))
        {
            try
            {
                invoice = await runs.RefreshAsync(invoice, cancellationToken).ConfigureAwait(false);
            }
            catch (LedgerUnavailableException)
            {
                // The stored state answers; it says when it was last read.
            }
        }

        return Result<StoredInvoice>.Ok(invoice!);
    }

    /// <summary>
    /// A page of what a party recomputes the invoice from: its sealed hours with their proofs, by entry id after
    /// <paramref name="after"/>, and their batches (a month of 1,000 VMs is ~60 MiB of payloads: pages let a verifier
    /// check one while the next arrives).
    /// </summary>
    public async Task<Result<InvoiceEvidence>> GetEvidenceAsync(Caller caller, string id, string? after, int? limit, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        long? afterId = null;
        if (after is not null)
        {
            if (!long.TryParse(after, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                errors["after"] = ["The next cursor of the page before (an entry id)."];
            }

            afterId = parsed;
        }

        if (limit is < 1 or > MaxEvidencePage)
        {
            errors["limit"] = [$"Between 1 and {MaxEvidencePage} entries."];
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var (invoice, denied) = await FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        if (invoice!.Invoice is null)
        {
            return NotBuilt(invoice);
        }

        return Result<InvoiceEvidence>.Ok(await store.GetEvidenceAsync(
            invoice.TenantId, invoice.PeriodStart, invoice.PeriodEnd, afterId, limit ?? DefaultEvidencePage, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Recomputes the invoice as <c>sankofa billing verify</c> does, but with this server's own reads of the chain: each
    /// sealed hour proven against the root the chain holds, rated at the price book whose hash the chain holds, and hashed
    /// against the hash the chain issued. A party that trusts no server runs the CLI against its own node instead.
    /// </summary>
    /// <exception cref="LedgerUnavailableException">The chain cannot be read.</exception>
    public async Task<Result<InvoiceVerification>> VerifyAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var (stored, denied) = await FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        if (stored!.Invoice is not { } invoice)
        {
            return NotBuilt(stored);
        }

        if (await priceBooks.GetAsync(invoice.PriceBookVersion, cancellationToken).ConfigureAwait(false) is not { } book)
        {
            return Result<InvoiceVerification>.Ok(new(id, AuditVerificationStatus.Failed, [$"price book {invoice.PriceBookVersion} is not in this server's store"], 0, 0));
        }

        var check = InvoiceVerifier.Start(invoice);
        long? after = null;
        do
        {
            var page = await store.GetEvidenceAsync(invoice.TenantId, invoice.PeriodStart, invoice.PeriodEnd, after, MaxEvidencePage, cancellationToken).ConfigureAwait(false);
            check.Add(page.Entries, page.Payloads, page.Batches, await anchors.GetRootsAsync([.. page.Batches.Select(b => b.Id)], cancellationToken).ConfigureAwait(false));
            after = page.Next;
        }
        while (after is not null);

        var onChain = await ledger.GetInvoiceAsync(id, cancellationToken).ConfigureAwait(false);
        var priceHash = await ledger.PriceBookHashAsync(invoice.PriceBookVersion, cancellationToken).ConfigureAwait(false);
        return Result<InvoiceVerification>.Ok(check.Finish(book.Book, priceHash, onChain));
    }

    /// <summary>Relays a party's signed approval (65 bytes, hex).</summary>
    public Task<Result<StoredInvoice>> ApproveAsync(Caller caller, string id, string? signature, CancellationToken cancellationToken) =>
        RelayAsync(caller, id, signature, null, (sig, ct) => ledger.ApproveAsync(id, sig, ct), cancellationToken);

    /// <summary>Relays the customer's signed dispute with its reason.</summary>
    public Task<Result<StoredInvoice>> DisputeAsync(Caller caller, string id, string? reason, string? signature, CancellationToken cancellationToken)
    {
        var errors = string.IsNullOrWhiteSpace(reason) || reason.Length > 1000
            ? new Dictionary<string, string[]> { ["reason"] = ["Required, at most 1,000 characters: recorded on chain with the dispute."] }
            : null;
        return RelayAsync(caller, id, signature, errors, (sig, ct) => ledger.DisputeAsync(id, reason!, sig, ct), cancellationToken);
    }

    /// <summary>Relays an auditor's signed resolution of a dispute.</summary>
    public Task<Result<StoredInvoice>> ResolveAsync(Caller caller, string id, bool? upheld, string? signature, CancellationToken cancellationToken)
    {
        var errors = upheld is null ? new Dictionary<string, string[]> { ["upheld"] = ["Required: true voids the invoice, false makes it final."] } : null;
        return RelayAsync(caller, id, signature, errors, (sig, ct) => ledger.ResolveAsync(id, upheld!.Value, sig, ct), cancellationToken);
    }

    /// <summary>Settles a final invoice from the tenant's credit now (the worker also does, once the credit covers it).</summary>
    public async Task<Result<StoredInvoice>> SettleAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var (invoice, denied) = await FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        invoice = await runs.RefreshAsync(invoice!, cancellationToken).ConfigureAwait(false);
        if (invoice.Status != InvoiceStatus.Final)
        {
            return Error.Conflict("id", $"Invoice {id} is {invoice.Status.ToString().ToLowerInvariant()}: only a final invoice is settled.");
        }

        try
        {
            await ledger.SettleAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (BillingRefusedException ex) when (ex.Reason == "Shortfall")
        {
            return Error.Conflict("id", $"Tenant {invoice.TenantId}'s credit does not cover invoice {id}: {ex.Message}. It stays outstanding and is settled after the next deposit.");
        }

        return Result<StoredInvoice>.Ok(await runs.RefreshAsync(invoice, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Records a deposit (billing-admin) and credits it on chain now, or when the chain is back.</summary>
    public async Task<Result<Deposit>> DepositAsync(Caller caller, string actor, DepositRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!caller.Can(Permission.BillingWrite, null))
        {
            return AccessErrors.Forbidden(Permission.BillingWrite);
        }

        var errors = new Dictionary<string, string[]>();
        if (request.TenantId is null || await tenants.GetTenantAsync(request.TenantId, cancellationToken).ConfigureAwait(false) is null)
        {
            errors["tenant"] = [request.TenantId is null ? "Required: the tenant credited." : $"There is no tenant '{request.TenantId}'."];
        }

        if (request.Currency is null || !Currency().IsMatch(request.Currency))
        {
            errors["currency"] = ["Required: an ISO 4217 code in upper case (USD)."];
        }

        if (request.Amount is not > 0)
        {
            errors["amount"] = ["Required, positive: the payment in the currency's minor units (cents for USD)."];
        }

        if (string.IsNullOrWhiteSpace(request.Reference) || request.Reference.Length > 128)
        {
            errors["reference"] = ["Required, at most 128 characters: the payment's reference; a deposit is recorded once per reference."];
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var deposit = new Deposit(request.Reference!, request.TenantId!, request.Currency!, request.Amount!.Value, time.GetUtcNow(), caller.Id, null);
        try
        {
            deposit = await store.AddDepositAsync(deposit, new AuditEvent(actor, "billing.deposit.recorded", $"tenant:{deposit.TenantId}", JsonSerializer.Serialize(new
            {
                reference = deposit.Reference, tenantId = deposit.TenantId, currency = deposit.Currency, amount = deposit.Amount,
            })), cancellationToken).ConfigureAwait(false);
        }
        catch (StoreConflictException)
        {
            var existing = await store.GetDepositAsync(deposit.Reference, cancellationToken).ConfigureAwait(false);
            return existing is not null && existing.TenantId == deposit.TenantId && existing.Currency == deposit.Currency && existing.Amount == deposit.Amount
                ? Result<Deposit>.Ok(existing)
                : Error.Conflict("reference", $"Payment {deposit.Reference} is recorded already with other values.");
        }

        try
        {
            return Result<Deposit>.Ok(await runs.RecordDepositAsync(deposit, cancellationToken).ConfigureAwait(false));
        }
        catch (LedgerUnavailableException)
        {
            return Result<Deposit>.Ok(deposit); // credited by the billing worker once the chain answers
        }
    }

    /// <summary>A tenant's statement of account in a currency.</summary>
    public async Task<Result<Statement>> StatementAsync(Caller caller, string? tenantId, string? currency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.HasAny(Permission.BillingRead))
        {
            return AccessErrors.Forbidden(Permission.BillingRead);
        }

        tenantId ??= caller.TenantsWith(Permission.BillingRead) is { Count: 1 } only ? only.First() : null;
        if (tenantId is null)
        {
            return Error.Invalid(new Dictionary<string, string[]> { ["tenant"] = ["Required: the tenant whose account to show."] });
        }

        if (AccessErrors.Denied(caller, Permission.BillingRead, tenantId, Error.NotFound("tenant", $"There is no tenant '{tenantId}'.")) is { } denied)
        {
            return denied;
        }

        if (await tenants.GetTenantAsync(tenantId, cancellationToken).ConfigureAwait(false) is null)
        {
            return Error.NotFound("tenant", $"There is no tenant '{tenantId}'.");
        }

        var deposits = await store.ListDepositsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var invoices = new List<StoredInvoice>();
        for (string? after = null; ;)
        {
            var page = await store.ListAsync(new InvoiceQuery(null, tenantId, null, after, MaxPage), cancellationToken).ConfigureAwait(false);
            invoices.AddRange(page.Items.Where(i => i.Invoice is not null));
            if ((after = page.Next) is null)
            {
                break;
            }
        }

        currency ??= invoices.Select(i => i.Invoice!.Currency).Concat(deposits.Select(d => d.Currency)).FirstOrDefault() ?? "USD";
        if (!Currency().IsMatch(currency))
        {
            return Error.Invalid(new Dictionary<string, string[]> { ["currency"] = ["An ISO 4217 code in upper case (USD)."] });
        }

        var balance = await ledger.BalanceAsync(tenantId, currency, cancellationToken).ConfigureAwait(false);
        var inCurrency = invoices.Where(i => i.Invoice!.Currency == currency).OrderBy(i => i.PeriodStart).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();
        var outstanding = inCurrency.Where(i => i.Status is InvoiceStatus.Issuing or InvoiceStatus.Issued or InvoiceStatus.Disputed or InvoiceStatus.Final)
            .Sum(i => i.Invoice!.Total);
        return Result<Statement>.Ok(new Statement(tenantId, currency, balance, [.. deposits.Where(d => d.Currency == currency)], inCurrency, outstanding));
    }

    private async Task<Result<StoredInvoice>> RelayAsync(
        Caller caller, string id, string? signature, Dictionary<string, string[]>? errors, Func<byte[], CancellationToken, Task<LedgerReceipt>> relay,
        CancellationToken cancellationToken)
    {
        var (invoice, denied) = await FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        errors ??= [];
        byte[]? bytes = null;
        try
        {
            bytes = signature is { Length: 132 } && signature.StartsWith("0x", StringComparison.Ordinal) ? Convert.FromHexString(signature.AsSpan(2)) : null;
        }
        catch (FormatException)
        {
        }

        if (bytes is null)
        {
            errors["signature"] = ["Required: the 65-byte signature (r ‖ s ‖ v) as 0x and 130 hex digits, over the EIP-712 digest docs/billing.md gives."];
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        if (invoice!.Status is InvoiceStatus.Waiting or InvoiceStatus.Issuing)
        {
            return Error.Conflict("id", $"Invoice {id} is not issued on chain yet.");
        }

        try
        {
            await relay(bytes!, cancellationToken).ConfigureAwait(false);
        }
        catch (BillingRefusedException ex)
        {
            var kind = ex.Reason is "NotCustomer" or "NotAuditor" ? ErrorKind.Forbidden : ErrorKind.Conflict;
            return Error.Of(kind, ex.Reason is "NotCustomer" or "NotAuditor" ? "signature" : "id", $"The chain refused it: {ex.Message}");
        }

        return Result<StoredInvoice>.Ok(await runs.RefreshAsync(invoice, cancellationToken).ConfigureAwait(false));
    }

    private async Task<(StoredInvoice? Invoice, Error? Denied)> FindAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);

        // Refused before the lookup: a caller without billing.read must not tell another tenant's invoice from a missing one.
        if (!caller.HasAny(Permission.BillingRead))
        {
            return (null, AccessErrors.Forbidden(Permission.BillingRead));
        }

        var notFound = Error.NotFound("id", $"There is no invoice '{id}'.");
        var invoice = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (invoice is null)
        {
            return (null, notFound);
        }

        return AccessErrors.Denied(caller, Permission.BillingRead, invoice.TenantId, notFound) is { } denied ? (null, denied) : (invoice, null);
    }

    /// <summary>The refusal for a run whose invoice is not built yet, naming what it waits for.</summary>
    public static Error NotBuilt(StoredInvoice run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Error.Conflict("id", $"Invoice {run.Id} is not built yet: it waits for {run.WaitingFor}.");
    }

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex Currency();
}
