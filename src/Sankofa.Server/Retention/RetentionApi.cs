using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sankofa.Core.Access;
using Sankofa.Core.Retention;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Access;

namespace Sankofa.Server.Retention;

/// <summary>Retention of the audit log over REST: policies, archives (with their files) and deletion after retention.</summary>
internal static class RetentionApi
{
    public static IEndpointRouteBuilder MapRetentionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/audit").WithTags("Audit retention");
        // Reads need audit.read or audit.archive (an operator archives without reading the log); Core checks which.
        api.MapGet("/retention", StatusAsync).WithName("GetAuditRetention")
            .WithSummary("The retention policies, every archive and deletion, and the entry the hot log continues from (with its proof).");
        api.MapGet("/archives", ListAsync).WithName("ListAuditArchives")
            .WithSummary("Archives and deletions of old audit entries, oldest first.");
        api.MapGet("/archives/{id:long}", GetAsync).WithName("GetAuditArchive").WithSummary("One archive.");
        api.MapGet("/archives/{id:long}/file", FileAsync).WithName("GetAuditArchiveFile")
            .WithSummary("The archive file (sankofa.audit-archive/1 JSON): entries with seals and proofs, batches and anchors.");
        api.MapPost("/archives", ArchiveAsync).WithName("CreateAuditArchive").Requires(Permission.AuditArchive)
            .WithSummary("Archives the oldest whole anchored batches whose entries are all before 'before' to a file and removes them from the hot store; their roots stay on chain.");
        api.MapDelete("/entries", DeleteAsync).WithName("DeleteAuditEntries").Requires(Permission.AuditArchive)
            .WithSummary("Deletes for good the oldest whole batches before 'before'; refused (409) unless their retention (7 years by default) has ended.");
        return app;
    }

    private static async Task<Results<Ok<RetentionStatusResponse>, ProblemHttpResult>> StatusAsync(
        HttpContext context, AuditRetention retention, CancellationToken cancellationToken)
    {
        var status = await retention.StatusAsync(context.RequiredCaller(), cancellationToken);
        return status.Error is { } error ? error.ToProblem() : TypedResults.Ok(status.Value!.ToResponse());
    }

    private static async Task<Results<Ok<IReadOnlyList<AuditArchiveResponse>>, ProblemHttpResult>> ListAsync(
        HttpContext context, AuditRetention retention, CancellationToken cancellationToken)
    {
        var status = await retention.StatusAsync(context.RequiredCaller(), cancellationToken);
        return status.Error is { } error ? error.ToProblem() : TypedResults.Ok(status.Value!.ToResponse().Archives);
    }

    private static async Task<Results<Ok<AuditArchiveResponse>, ProblemHttpResult>> GetAsync(
        long id, HttpContext context, AuditRetention retention, IOptions<RetentionOptions> options, CancellationToken cancellationToken)
    {
        var found = await retention.GetAsync(context.RequiredCaller(), id, cancellationToken);
        return found.Error is { } error ? error.ToProblem() : TypedResults.Ok(found.Value!.ToResponse(Policy(options)));
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> FileAsync(
        long id, HttpContext context, AuditRetention retention, CancellationToken cancellationToken)
    {
        var found = await retention.GetAsync(context.RequiredCaller(), id, cancellationToken);
        if (found.Error is { } error)
        {
            return error.ToProblem();
        }

        var opened = await retention.OpenFileAsync(context.RequiredCaller(), id, cancellationToken);
        return opened.Error is { } missing
            ? missing.ToProblem()
            : TypedResults.Stream(opened.Value!, "application/json", found.Value!.FileName);
    }

    private static async Task<Results<Created<AuditArchiveResponse>, ProblemHttpResult>> ArchiveAsync(
        CreateAuditArchiveRequest? request, HttpContext context, AuditRetention retention, IOptions<RetentionOptions> options, CancellationToken cancellationToken)
    {
        var archived = await retention.ArchiveAsync(context.RequiredCaller(), request?.Before, cancellationToken);
        return archived.Error is { } error
            ? error.ToProblem()
            : TypedResults.Created($"/api/v1/audit/archives/{archived.Value!.Id}", archived.Value.ToResponse(Policy(options)));
    }

    private static async Task<Results<Ok<AuditArchiveResponse>, ProblemHttpResult>> DeleteAsync(
        HttpContext context, AuditRetention retention, IOptions<RetentionOptions> options, CancellationToken cancellationToken, DateTimeOffset? before = null)
    {
        var deleted = await retention.DeleteAsync(context.RequiredCaller(), before, cancellationToken);
        return deleted.Error is { } error ? error.ToProblem() : TypedResults.Ok(deleted.Value!.ToResponse(Policy(options)));
    }

    private static RetentionPolicy Policy(IOptions<RetentionOptions> options) =>
        RetentionPolicy.From(options.Value).Single(p => p.Kind == RetentionRecordKind.AuditEntries);
}
