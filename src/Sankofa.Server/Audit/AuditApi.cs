using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Access;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.Audit;

/// <summary>The audit log over REST: record, list, fetch with proof, and verify against the chain.</summary>
internal static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/audit").WithTags("Audit");
        api.MapPost("/entries", RecordAsync).WithName("RecordAuditEvent").Requires(Permission.AuditWrite)
            .WithSummary("Records an event in the audit log; it is sealed into a batch and anchored on chain shortly after.");
        api.MapGet("/entries", ListAsync).WithName("ListAuditEntries").Requires(Permission.AuditRead)
            .WithSummary("Lists entries newest first, filtered and paged by the 'before' cursor.");
        api.MapGet("/entries/{id:long}", GetAsync).WithName("GetAuditEntry").Requires(Permission.AuditRead)
            .WithSummary("One entry with its chain position, inclusion proof, batch and anchor.");
        api.MapGet("/entries/{id:long}/verification", VerifyAsync).WithName("VerifyAuditEntry").Requires(Permission.AuditRead)
            .WithSummary("The server's own check of the entry against the root it reads from the chain. For a check that does not trust the server, use `sankofa audit verify`.");
        api.MapGet("/batches/{id:long}", GetBatchAsync).WithName("GetAuditBatch").Requires(Permission.AuditRead)
            .WithSummary("One Merkle batch and where its root is on chain.");
        api.MapGet("/chain", ChainAsync).WithName("ListAuditChain").Requires(Permission.AuditRead)
            .WithSummary("Sealed entries in sequence order from 'fromSequence', for whole-log verification.");
        api.MapGet("/chain-gaps", ChainGapsAsync).WithName("ListAuditChainGaps").Requires(Permission.AuditRead)
            .WithSummary("Batches the chain holds that the store lost in a restore from a backup: found at start, their ids never sealed again.");
        return app;
    }

    private static async Task<Results<Created<AuditEntryResponse>, ValidationProblem>> RecordAsync(
        RecordAuditEventRequest? request, HttpContext http, IAuditLog log, CancellationToken cancellationToken)
    {
        // The hashed entry names who is authenticated: an actor the request states proves nothing, so when it differs it
        // is kept inside the payload, plainly apart from the actor.
        var caller = http.Caller()!.Id;
        var auditEvent = request is null
            ? null
            : new AuditEvent(request.Actor ?? caller, request.Action!, request.Subject!, request.Payload is { } p ? p.GetRawText() : null!);
        var errors = AuditEventRules.Validate(auditEvent);
        if (errors.Count == 0 && auditEvent!.Actor != caller)
        {
            auditEvent = auditEvent with { Actor = caller, Payload = JsonSerializer.Serialize(new { statedActor = auditEvent.Actor, payload = request!.Payload }) };
            errors = AuditEventRules.Validate(auditEvent);
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The audit event is invalid.");
        }

        var entry = await log.AppendAsync(auditEvent!, cancellationToken);
        return TypedResults.Created($"/api/v1/audit/entries/{entry.Id}", entry.ToResponse());
    }

    private static async Task<Results<AuditPageResult, ProblemHttpResult>> ListAsync(
        HttpContext context, AuditQueries queries, CancellationToken cancellationToken,
        string? actor = null, string? action = null, string? subject = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, long? batch = null, long? before = null, int? limit = null)
    {
        var page = await queries.ListAsync(context.RequiredCaller(), new AuditQuery(actor, action, subject, from, to, batch, before, limit ?? 100), cancellationToken);
        return page.Error is { } error ? error.ToProblem() : new AuditPageResult(page.Value!);
    }

    private static async Task<Results<AuditEntryResult, ProblemHttpResult>> GetAsync(
        long id, HttpContext context, AuditQueries queries, CancellationToken cancellationToken)
    {
        var found = await queries.GetEntryAsync(context.RequiredCaller(), id, cancellationToken);
        return found.Error is { } error ? Refused(error, "entry", id) : new AuditEntryResult(found.Value!);
    }

    private static async Task<Results<Ok<AuditVerificationResponse>, ProblemHttpResult>> VerifyAsync(
        long id, HttpContext context, AuditQueries queries, CancellationToken cancellationToken)
    {
        var verified = await queries.VerifyAsync(context.RequiredCaller(), id, cancellationToken);
        if (verified.Error is { } error)
        {
            return Refused(error, "entry", id);
        }

        var result = verified.Value!;
        return TypedResults.Ok(new AuditVerificationResponse(result.EntryId, result.Status, result.Problems));
    }

    private static async Task<Results<Ok<AuditBatchResponse>, ProblemHttpResult>> GetBatchAsync(
        long id, HttpContext context, AuditQueries queries, CancellationToken cancellationToken)
    {
        var batch = await queries.GetBatchAsync(context.RequiredCaller(), id, cancellationToken);
        return batch.Error is { } error ? Refused(error, "batch", id) : TypedResults.Ok(batch.Value!.ToResponse());
    }

    private static async Task<Results<Ok<IReadOnlyList<AuditChainGap>>, ProblemHttpResult>> ChainGapsAsync(
        HttpContext context, AuditQueries queries, CancellationToken cancellationToken)
    {
        var gaps = await queries.ChainGapsAsync(context.RequiredCaller(), cancellationToken);
        return gaps.Error is { } error ? error.ToProblem() : TypedResults.Ok(gaps.Value!);
    }

    private static async Task<Results<AuditPageResult, ProblemHttpResult>> ChainAsync(
        HttpContext context, AuditQueries queries, CancellationToken cancellationToken, long? fromSequence = null, int? limit = null)
    {
        var page = await queries.ChainAsync(context.RequiredCaller(), fromSequence ?? 1, limit ?? AuditQueries.MaxPageSize, cancellationToken);
        return page.Error is { } error ? error.ToProblem() : new AuditPageResult(page.Value!);
    }

    /// <summary>A page as the API shows it: each entry's status says whether it is anchored, without repeating its batch.</summary>
    internal static AuditPageResponse ToResponse(this AuditEntryPage page) =>
        new([.. page.Items.Select(v => v.Entry.ToResponse(v.Batch) with { Batch = null })], page.Next);

    private static ProblemHttpResult Refused(Error error, string what, long id) =>
        error.Kind == ErrorKind.NotFound ? NotFound(what, id) : error.ToProblem();

    private static ProblemHttpResult NotFound(string what, long id) => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status404NotFound,
        Title = $"No audit {what} {id}.",
        Detail = $"There is no audit {what} with id {id}.",
        Extensions = { ["code"] = "notFound" }, // as the other APIs' 404s
    });
}
