using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Sankofa.Core.Audit;
using Sankofa.Core.Identity;
using Sankofa.Core.Ledger;
using Sankofa.Server.Identity.Access;

namespace Sankofa.Server.Audit;

/// <summary>The audit log over REST: record, list, fetch with proof, and verify against the chain.</summary>
internal static class AuditApi
{
    public const int MaxPageSize = 1000;

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

    private static async Task<Results<Ok<AuditPageResponse>, ValidationProblem>> ListAsync(
        IAuditStore store, CancellationToken cancellationToken,
        string? actor = null, string? action = null, string? subject = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, long? batch = null, long? before = null, int? limit = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"Must be between 1 and {MaxPageSize}."];
        }

        if (before is < 1)
        {
            errors["before"] = ["Must be a positive entry id (the 'next' value of the previous page)."];
        }

        if (from is not null && to is not null && from >= to)
        {
            errors["to"] = ["Must be later than 'from'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The query is invalid.");
        }

        var page = await store.ListEntriesAsync(new AuditQuery(actor, action, subject, from, to, batch, before, limit ?? 100), cancellationToken);
        var items = await ToResponsesAsync(store, page.Items, cancellationToken);
        return TypedResults.Ok(new AuditPageResponse(items, page.NextBefore));
    }

    private static async Task<Results<Ok<AuditEntryResponse>, ProblemHttpResult>> GetAsync(
        long id, IAuditStore store, CancellationToken cancellationToken)
    {
        var entry = await store.GetEntryAsync(id, cancellationToken);
        if (entry is null)
        {
            return NotFound("entry", id);
        }

        var batch = entry.Seal is { } seal ? await store.GetBatchAsync(seal.BatchId, cancellationToken) : null;
        return TypedResults.Ok(entry.ToResponse(batch));
    }

    private static async Task<Results<Ok<AuditVerificationResponse>, ProblemHttpResult>> VerifyAsync(
        long id, IAuditStore store, IAuditAnchorLedger ledger, CancellationToken cancellationToken)
    {
        var entry = await store.GetEntryAsync(id, cancellationToken);
        if (entry is null)
        {
            return NotFound("entry", id);
        }

        AuditBatch? batch = null;
        OnChainRoot? onChain = null;
        if (entry.Seal is { } seal)
        {
            batch = await store.GetBatchAsync(seal.BatchId, cancellationToken);
            var roots = await ledger.GetRootsAsync([seal.BatchId], cancellationToken);
            onChain = roots.GetValueOrDefault(seal.BatchId);
        }

        var result = AuditVerifier.VerifyEntry(entry, batch, onChain);
        return TypedResults.Ok(new AuditVerificationResponse(result.EntryId, result.Status, result.Problems));
    }

    private static async Task<Results<Ok<AuditBatchResponse>, ProblemHttpResult>> GetBatchAsync(
        long id, IAuditStore store, CancellationToken cancellationToken)
    {
        var batch = await store.GetBatchAsync(id, cancellationToken);
        return batch is null ? NotFound("batch", id) : TypedResults.Ok(batch.ToResponse());
    }

    private static async Task<Results<Ok<AuditPageResponse>, ValidationProblem>> ChainAsync(
        IAuditStore store, CancellationToken cancellationToken, long? fromSequence = null, int? limit = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (fromSequence is < 1)
        {
            errors["fromSequence"] = ["Must be 1 or more."];
        }

        if (limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"Must be between 1 and {MaxPageSize}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The query is invalid.");
        }

        var take = limit ?? MaxPageSize;
        var entries = await store.GetSealedEntriesAsync(fromSequence ?? 1, take, cancellationToken);
        long? next = entries.Count == take ? entries[^1].Seal!.Sequence + 1 : null;
        return TypedResults.Ok(new AuditPageResponse(await ToResponsesAsync(store, entries, cancellationToken), next));
    }

    /// <summary>Maps a page of entries, reading each batch once so every entry's status says whether it is anchored.</summary>
    internal static async Task<List<AuditEntryResponse>> ToResponsesAsync(IAuditStore store, IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var batches = new Dictionary<long, AuditBatch?>();
        foreach (var id in entries.Where(e => e.Seal is not null).Select(e => e.Seal!.BatchId).Distinct())
        {
            batches[id] = await store.GetBatchAsync(id, cancellationToken);
        }

        return entries.Select(e => e.ToResponse(e.Seal is { } s ? batches[s.BatchId] : null) with { Batch = null }).ToList();
    }

    private static ProblemHttpResult NotFound(string what, long id) => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status404NotFound,
        Title = $"No audit {what} {id}.",
        Detail = $"There is no audit {what} with id {id}.",
        Extensions = { ["code"] = "notFound" }, // as the other APIs' 404s
    });
}
