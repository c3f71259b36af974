using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core;
using Sankofa.Core.Access;
using Sankofa.Core.Billing;
using Sankofa.Core.Ledger;
using Sankofa.Server.Audit;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Access;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.Billing;

/// <summary>Billing over REST (docs/billing.md): price books, billing runs, invoices with their evidence and the parties' signatures, deposits, statements.</summary>
internal static class BillingApi
{
    public static IEndpointRouteBuilder MapBillingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/billing").WithTags("Billing");
        api.MapGet("/prices", ListAsync).WithName("ListPriceBooks").Requires(Permission.BillingRead)
            .WithSummary("Every price book version, oldest first, with its canonical hash and the transaction that recorded it on chain.");
        api.MapGet("/prices/{version:long}", GetAsync).WithName("GetPriceBook").Requires(Permission.BillingRead)
            .WithSummary("One price book version.");
        api.MapPost("/prices", CreateAsync).WithName("CreatePriceBook").Requires(Permission.BillingWrite)
            .WithSummary("Adds the next price book version (billing-admin): one price per tier and dimension, in force from effectiveFrom; its hash is recorded on chain.");
        api.MapPost("/runs", StartRunsAsync).WithName("StartBillingRuns").Requires(Permission.BillingWrite)
            .WithSummary("Starts billing runs (billing-admin): for a tenant or every tenant with usage, for a period on whole hours or last month. Each waits until its usage is sealed and anchored, then its invoice is built and issued on chain.");
        api.MapGet("/invoices", ListInvoicesAsync).WithName("ListInvoices").Requires(Permission.BillingRead)
            .WithSummary("Billing runs and invoices within the caller's tenants, newest period first; filter by tenant and status; page with after.");
        api.MapGet("/invoices/{id}", GetInvoiceAsync).WithName("GetInvoice").Requires(Permission.BillingRead)
            .WithSummary("One invoice: lines, credits, totals, canonical hash, and its state on chain (read from the chain unless refresh=false).");
        api.MapGet("/invoices/{id}/evidence", GetEvidenceAsync).WithName("GetInvoiceEvidence").Requires(Permission.BillingRead)
            .WithSummary("The sealed usage and availability hours the invoice is computed from, with their Merkle proofs and batches: what `sankofa billing verify` checks against the chain.");
        api.MapGet("/invoices/{id}/pdf", GetPdfAsync).WithName("GetInvoicePdf").Requires(Permission.BillingRead)
            .WithSummary("The invoice as a PDF: lines per project, SLA credits, totals, and how to verify it on chain.");
        api.MapGet("/invoices/{id}/csv", GetCsvAsync).WithName("GetInvoiceCsv").Requires(Permission.BillingRead)
            .WithSummary("The invoice as CSV (RFC 4180): one row per line, credit and total, amounts in minor units and as decimals.");
        api.MapPost("/invoices/{id}/approvals", ApproveAsync).WithName("ApproveInvoice").Requires(Permission.BillingRead)
            .WithSummary("Relays a party's EIP-712 approval, as signed with its identity's controller key; the contract decides whether the signer may approve.");
        api.MapPost("/invoices/{id}/disputes", DisputeAsync).WithName("DisputeInvoice").Requires(Permission.BillingRead)
            .WithSummary("Relays the customer's signed dispute and its reason.");
        api.MapPost("/invoices/{id}/resolutions", ResolveAsync).WithName("ResolveInvoiceDispute").Requires(Permission.BillingRead)
            .WithSummary("Relays an auditor's signed resolution of a dispute.");
        api.MapPost("/invoices/{id}/settlement", SettleAsync).WithName("SettleInvoice").Requires(Permission.BillingRead)
            .WithSummary("Settles a final invoice from the tenant's credit on chain now (the billing worker also does, as soon as the credit covers it).");
        api.MapPost("/deposits", DepositAsync).WithName("RecordDeposit").Requires(Permission.BillingWrite)
            .WithSummary("Records a payment received off chain as the tenant's credit (billing-admin), once per reference.");
        api.MapGet("/statement", StatementAsync).WithName("GetStatement").Requires(Permission.BillingRead)
            .WithSummary("A tenant's statement of account in a currency: its credit on chain, deposits, invoices, what is outstanding.");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<PriceBookResponse>>, ProblemHttpResult>> ListAsync(HttpContext context, PriceBookService books, CancellationToken cancellationToken)
    {
        var answer = await books.ListAsync(context.RequiredCaller(), cancellationToken);
        return answer.Value is { } list ? TypedResults.Ok<IReadOnlyList<PriceBookResponse>>([.. list.Select(PriceBookResponse.From)]) : answer.Error!.ToProblem();
    }

    private static async Task<Results<Ok<PriceBookResponse>, ProblemHttpResult>> GetAsync(long version, HttpContext context, PriceBookService books, CancellationToken cancellationToken)
    {
        var answer = await books.GetAsync(context.RequiredCaller(), version, cancellationToken);
        return answer.Value is { } book ? TypedResults.Ok(PriceBookResponse.From(book)) : answer.Error!.ToProblem();
    }

    private static async Task<Results<Created<PriceBookResponse>, ProblemHttpResult>> CreateAsync(
        PriceBookRequest? body, HttpContext context, PriceBookService books, CancellationToken cancellationToken)
    {
        var answer = await books.CreateAsync(context.RequiredCaller(), ProvisioningApi.Actor(context), body ?? new PriceBookRequest(null, null, null, null), cancellationToken);
        return answer.Value is { } book
            ? TypedResults.Created($"/api/v1/billing/prices/{book.Book.Version}", PriceBookResponse.From(book))
            : answer.Error!.ToProblem();
    }

    private static async Task<Results<Accepted<IReadOnlyList<InvoiceResponse>>, ProblemHttpResult>> StartRunsAsync(
        BillingRunBody? body, HttpContext context, BillingRunService runs, CancellationToken cancellationToken)
    {
        var answer = await runs.StartAsync(context.RequiredCaller(), new BillingRunRequest(body?.Tenant, body?.PeriodStart, body?.PeriodEnd), cancellationToken);
        return answer.Value is { } started
            ? TypedResults.Accepted("/api/v1/billing/invoices", (IReadOnlyList<InvoiceResponse>)[.. started.Select(InvoiceResponse.From)])
            : answer.Error!.ToProblem();
    }

    private static async Task<Results<Ok<InvoicePageResponse>, ProblemHttpResult>> ListInvoicesAsync(
        HttpContext context, InvoiceService invoices, string? tenant, string? status, string? after, int? limit, CancellationToken cancellationToken)
    {
        InvoiceStatus? filter = null;
        if (status is not null)
        {
            if (!Enum.TryParse<InvoiceStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
            {
                return ErrorProblems.Invalid(new() { ["status"] = ["One of: waiting, issuing, issued, disputed, final, voided, settled."] });
            }

            filter = parsed;
        }

        var answer = await invoices.ListAsync(context.RequiredCaller(), tenant, filter, after, limit, cancellationToken);
        return answer.Value is { } page
            ? TypedResults.Ok(new InvoicePageResponse([.. page.Items.Select(InvoiceResponse.From)], page.Next))
            : answer.Error!.ToProblem();
    }

    private static async Task<Results<Ok<InvoiceResponse>, ProblemHttpResult>> GetInvoiceAsync(
        string id, HttpContext context, InvoiceService invoices, bool? refresh, CancellationToken cancellationToken)
    {
        var answer = await invoices.GetAsync(context.RequiredCaller(), id, refresh ?? true, cancellationToken);
        return answer.Value is { } invoice ? TypedResults.Ok(InvoiceResponse.From(invoice)) : answer.Error!.ToProblem();
    }

    private static async Task<Results<Ok<InvoiceEvidenceResponse>, EvidenceFrameResult, ProblemHttpResult>> GetEvidenceAsync(
        string id, HttpContext context, InvoiceService invoices, string? after, int? limit, CancellationToken cancellationToken)
    {
        var answer = await invoices.GetEvidenceAsync(context.RequiredCaller(), id, after, limit, cancellationToken);
        if (answer.Value is not { } evidence)
        {
            return answer.Error!.ToProblem();
        }

        // Framed when asked for (what `sankofa billing verify` reads): the payloads follow the JSON as their bytes.
        var framed = EvidenceFrameResult.IsAccepted(context.Request);
        var payloads = EvidenceEntryResponse.PayloadsOf(evidence);
        var page = new InvoiceEvidenceResponse(id, [.. evidence.Entries.Select((e, i) => EvidenceEntryResponse.From(e, framed ? null : payloads[i]))],
            [.. evidence.Batches.Select(b => b.ToResponse())], evidence.Next?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return framed ? new EvidenceFrameResult(page, payloads) : TypedResults.Ok(page);
    }

    private static Task<Results<FileContentHttpResult, ProblemHttpResult>> GetPdfAsync(
        string id, HttpContext context, InvoiceService invoices, ILedgerStatus ledger, CancellationToken cancellationToken) =>
        InvoiceDownloads.PdfAsync(context.RequiredCaller(), id, invoices, ledger, cancellationToken);

    private static Task<Results<FileContentHttpResult, ProblemHttpResult>> GetCsvAsync(
        string id, HttpContext context, InvoiceService invoices, CancellationToken cancellationToken) =>
        InvoiceDownloads.CsvAsync(context.RequiredCaller(), id, invoices, cancellationToken);

    private static async Task<Results<Ok<InvoiceResponse>, ProblemHttpResult>> ApproveAsync(
        string id, SignatureBody? body, HttpContext context, InvoiceService invoices, CancellationToken cancellationToken) =>
        Answer(await invoices.ApproveAsync(context.RequiredCaller(), id, body?.Signature, cancellationToken));

    private static async Task<Results<Ok<InvoiceResponse>, ProblemHttpResult>> DisputeAsync(
        string id, DisputeBody? body, HttpContext context, InvoiceService invoices, CancellationToken cancellationToken) =>
        Answer(await invoices.DisputeAsync(context.RequiredCaller(), id, body?.Reason, body?.Signature, cancellationToken));

    private static async Task<Results<Ok<InvoiceResponse>, ProblemHttpResult>> ResolveAsync(
        string id, ResolutionBody? body, HttpContext context, InvoiceService invoices, CancellationToken cancellationToken) =>
        Answer(await invoices.ResolveAsync(context.RequiredCaller(), id, body?.Upheld, body?.Signature, cancellationToken));

    private static async Task<Results<Ok<InvoiceResponse>, ProblemHttpResult>> SettleAsync(
        string id, HttpContext context, InvoiceService invoices, CancellationToken cancellationToken) =>
        Answer(await invoices.SettleAsync(context.RequiredCaller(), id, cancellationToken));

    private static async Task<Results<Ok<DepositResponse>, ProblemHttpResult>> DepositAsync(
        DepositRequest? body, HttpContext context, InvoiceService invoices, CancellationToken cancellationToken)
    {
        var answer = await invoices.DepositAsync(context.RequiredCaller(), ProvisioningApi.Actor(context), body ?? new DepositRequest(null, null, null, null), cancellationToken);
        return answer.Value is { } deposit ? TypedResults.Ok(DepositResponse.From(deposit)) : answer.Error!.ToProblem();
    }

    private static async Task<Results<Ok<StatementResponse>, ProblemHttpResult>> StatementAsync(
        HttpContext context, InvoiceService invoices, string? tenant, string? currency, CancellationToken cancellationToken)
    {
        var answer = await invoices.StatementAsync(context.RequiredCaller(), tenant, currency, cancellationToken);
        return answer.Value is { } statement ? TypedResults.Ok(StatementResponse.From(statement)) : answer.Error!.ToProblem();
    }

    private static Results<Ok<InvoiceResponse>, ProblemHttpResult> Answer(Result<StoredInvoice> answer) =>
        answer.Value is { } invoice ? TypedResults.Ok(InvoiceResponse.From(invoice)) : answer.Error!.ToProblem();
}

/// <summary>A price book version.</summary>
/// <param name="Version">Its version.</param>
/// <param name="EffectiveFrom">When it takes effect.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="MinorDigits">Digits of the minor unit.</param>
/// <param name="Prices">One per tier and dimension.</param>
/// <param name="Hash">Its canonical hash (docs/billing.md), 0x hex: what the chain records.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="CreatedBy">Who made it.</param>
/// <param name="Transaction">The transaction that recorded the hash on chain; null while still to do.</param>
/// <param name="Block">Its block.</param>
public sealed record PriceBookResponse(
    long Version, DateTimeOffset EffectiveFrom, string Currency, int MinorDigits, IReadOnlyList<PriceRequest> Prices, string Hash,
    DateTimeOffset CreatedAt, string CreatedBy, string? Transaction, long? Block)
{
    internal static PriceBookResponse From(StoredPriceBook s) => new(
        s.Book.Version, s.Book.EffectiveFrom, s.Book.Currency, s.Book.MinorDigits,
        [.. s.Book.Prices.OrderBy(p => p.Tier).ThenBy(p => p.Dimension)
            .Select(p => new PriceRequest(BillingNames.Name(p.Tier), BillingNames.Name(p.Dimension), p.MicroMinorPerUnitHour))],
        "0x" + Convert.ToHexStringLower(s.Hash), s.CreatedAt, s.CreatedBy, s.Recorded?.TransactionHash, s.Recorded?.BlockNumber);
}
