using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Access;
using Sankofa.Core.Billing;
using Sankofa.Core.Ledger;
using Sankofa.Server.Billing;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Portal;

/// <summary>
/// Files the portal links to, under its cookie session rather than a bearer token: an invoice as PDF or CSV, for the
/// signed-in caller under the API's rules (the same Core call as <c>GET /api/v1/billing/invoices/{id}/pdf</c>).
/// </summary>
internal static class PortalDownloads
{
    public static IEndpointRouteBuilder MapPortalDownloads(this IEndpointRouteBuilder app)
    {
        var invoice = app.MapGroup("/billing/invoices/{id}").ExcludeFromDescription().RequireAuthorization(PortalAuthentication.Policy);
        invoice.MapGet("/pdf", (string id, HttpContext context, PortalSession session, InvoiceService invoices, ILedgerStatus ledger) =>
            AsCallerAsync(context, session, caller => InvoiceDownloads.PdfAsync(caller, id, invoices, ledger, context.RequestAborted)));
        invoice.MapGet("/csv", (string id, HttpContext context, PortalSession session, InvoiceService invoices) =>
            AsCallerAsync(context, session, caller => InvoiceDownloads.CsvAsync(caller, id, invoices, context.RequestAborted)));
        // A custody document by its SHA-256, as GET /api/v1/assets/documents/{hash} answers it (assets.read).
        app.MapGet("/assets/documents/{hash}", (string hash, HttpContext context, PortalSession session, Core.Hardware.HardwareService hardware) =>
            AsCallerAsync(context, session, caller => DocumentAsync(caller, hash, hardware, context.RequestAborted)))
            .ExcludeFromDescription().RequireAuthorization(PortalAuthentication.Policy);
        return app;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DocumentAsync(
        Caller caller, string hash, Core.Hardware.HardwareService hardware, CancellationToken cancellationToken)
    {
        var answer = await hardware.GetDocumentAsync(caller, hash, cancellationToken);
        return answer.Value is { } document ? TypedResults.File(document.Content, document.ContentType) : answer.Error!.ToProblem();
    }

    // The same check as every page: signed in, and listed as active on chain now.
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> AsCallerAsync(
        HttpContext context, PortalSession session, Func<Caller, Task<Results<FileContentHttpResult, ProblemHttpResult>>> download)
    {
        var portal = await session.CallerAsync(context.User, context.RequestAborted);
        return portal.Caller is { } caller
            ? await download(caller)
            : TypedResults.Problem(portal.Refusal, statusCode: StatusCodes.Status403Forbidden, title: "Access refused");
    }
}
