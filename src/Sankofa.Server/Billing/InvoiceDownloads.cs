using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Access;
using Sankofa.Core.Billing;
using Sankofa.Core.Ledger;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Billing;

/// <summary>An invoice as a PDF or CSV file for a caller: the REST API's downloads and the portal's answer the same.</summary>
internal static class InvoiceDownloads
{
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PdfAsync(
        Caller caller, string id, InvoiceService invoices, ILedgerStatus ledger, CancellationToken cancellationToken)
    {
        var answer = await invoices.GetAsync(caller, id, fromChain: true, cancellationToken);
        if (answer.Value is not { Invoice: { } invoice } stored)
        {
            return (answer.Error ?? InvoiceService.NotBuilt(answer.Value!)).ToProblem();
        }

        string? contract = null;
        try
        {
            contract = (await ledger.GetStatusAsync(cancellationToken)).BillingAddress;
        }
        catch (LedgerUnavailableException)
        {
            // The document names the contract when the chain answers; the invoice's own record is complete without it.
        }

        var chain = new InvoiceChainView(stored.Status.ToString().ToLowerInvariant(), stored.Issued?.TransactionHash, stored.Issued?.BlockNumber,
            stored.Customer, stored.Auditor, stored.CreatedAt, contract);
        return TypedResults.File(InvoiceDocuments.Pdf(invoice, chain), "application/pdf", $"{id}.pdf");
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> CsvAsync(
        Caller caller, string id, InvoiceService invoices, CancellationToken cancellationToken)
    {
        var answer = await invoices.GetAsync(caller, id, fromChain: false, cancellationToken);
        return answer.Value is { Invoice: { } invoice }
            ? TypedResults.File(System.Text.Encoding.UTF8.GetBytes(InvoiceDocuments.Csv(invoice)), "text/csv; charset=utf-8", $"{id}.csv")
            : (answer.Error ?? InvoiceService.NotBuilt(answer.Value!)).ToProblem();
    }
}
