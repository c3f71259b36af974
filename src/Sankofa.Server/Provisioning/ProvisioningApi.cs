using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Sankofa.Core;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Access;

namespace Sankofa.Server.Provisioning;

/// <summary>VM resources over REST: preview a placement, request, list, show (with history and the chain's record), delete, usage.</summary>
internal static class ProvisioningApi
{
    public static IEndpointRouteBuilder MapProvisioningApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Provisioning");
        api.MapPost("/placements", ExplainAsync).WithName("ExplainPlacement").Requires(Permission.ResourcesRead)
            .WithSummary("Where a VM would go now and why (chosen site and host, nearest rejected candidates), without creating anything.");
        api.MapPost("/resources", CreateAsync).WithName("CreateResource").Requires(Permission.ResourcesWrite)
            .WithSummary("Requests a VM: validated, checked against quotas, placed, recorded; provisioning continues in the background (202). Honours Idempotency-Key.");
        api.MapGet("/resources", ListAsync).WithName("ListResources").Requires(Permission.ResourcesRead)
            .WithSummary("Lists resources filtered by tenant, project, status or site, ordered by sort (created, name, status, site) and order (asc, desc; default newest first), paged by the 'cursor' of the previous page ('before' too, newest first).");
        api.MapGet("/resources/chain-gaps", ChainGapsAsync).WithName("ListResourceChainGaps").Requires(Permission.AuditRead)
            .WithSummary("Resources the chain holds further on than the store, or that the store does not know (lost in a restore from a backup): found at start, with what was done about each.");
        api.MapGet("/resources/{id}", GetAsync).WithName("GetResource").Requires(Permission.ResourcesRead)
            .WithSummary("One resource: status, placement explanation, event history and what the chain holds for it.");
        api.MapPatch("/resources/{id}", ResizeAsync).WithName("ResizeResource").Requires(Permission.ResourcesWrite)
            .WithSummary("Resizes a running VM (vcpu, ramMiB, diskGiB; disks only grow) on its host: quota and host room checked, the new spec recorded on chain, the VM changed in place (restarted when CPU or memory change) until both attest it again (202). Asking for the size it has changes nothing.");
        api.MapDelete("/resources/{id}", DeleteAsync).WithName("DeleteResource").Requires(Permission.ResourcesWrite)
            .WithSummary("Asks for the VM to be destroyed; the deletion is recorded on chain (202).");
        api.MapGet("/resources/{id}/usage", UsageAsync).WithName("GetResourceUsage").Requires(Permission.ResourcesRead)
            .WithSummary("Metered usage from Verified until deleted: vCPU-hours, GB-RAM-hours, GB-disk-hours per clock hour.");
        api.MapGet("/projects/{id}/usage", ProjectUsageAsync).WithName("GetProjectUsage").Requires(Permission.ResourcesRead)
            .WithSummary("A project's metered usage per clock hour, summed over its resources, for hours in [from, to) (ISO 8601; default the last 7 days, at most 31).");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<ResourceChainGap>>, ProblemHttpResult>> ChainGapsAsync(
        HttpContext context, ResourceChainGapQueries queries, CancellationToken cancellationToken)
    {
        var gaps = await queries.ListAsync(context.RequiredCaller(), cancellationToken);
        return gaps.Error is { } error ? error.ToProblem() : TypedResults.Ok(gaps.Value!);
    }

    /// <summary>Who the audit log names for a change made through the API: the caller's identity id.</summary>
    internal static string Actor(HttpContext context) => "api:" + (context.Caller()?.Id ?? "anonymous");

    private static async Task<Results<Ok<PlacementExplanation>, ProblemHttpResult>> ExplainAsync(
        ResourceRequestBody? body, HttpContext context, ProvisioningService service, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return ErrorProblems.Invalid(new() { ["body"] = ["A JSON body is required."] });
        }

        var missing = body.Missing();
        if (missing.Count > 0)
        {
            return ErrorProblems.Invalid(missing);
        }

        var result = await service.ExplainAsync(context.RequiredCaller(), body.ToRequest(), cancellationToken);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Ok(result.Value!);
    }

    private static async Task<Results<Accepted<ResourceResponse>, ProblemHttpResult>> CreateAsync(
        ResourceRequestBody? body, HttpContext context, ProvisioningService service, ReconcilerSignal signal, CancellationToken cancellationToken,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey = null)
    {
        if (body is null)
        {
            return ErrorProblems.Invalid(new() { ["body"] = ["A JSON body is required."] });
        }

        var missing = body.Missing();
        if (missing.Count > 0)
        {
            return ErrorProblems.Invalid(missing);
        }

        var result = await service.CreateAsync(Actor(context), context.RequiredCaller(), body.ToRequest(), idempotencyKey, cancellationToken);
        if (result.Error is { } error)
        {
            return error.ToProblem();
        }

        signal.Wake();
        var accepted = result.Value!;
        return TypedResults.Accepted($"/api/v1/resources/{accepted.Resource.Id}", accepted.Resource.ToResponse(accepted.Replayed));
    }

    private static async Task<Results<CachedJson<ResourcePageResponse>, ResourcePageResult, ProblemHttpResult>> ListAsync(
        HttpContext context, ResourceQueries queries, ResourceReadCache cache, ResourcePageWriter writer, CancellationToken cancellationToken,
        string? tenantId = null, string? projectId = null, string? status = null, string? siteId = null, long? before = null, int? limit = null,
        string? sort = null, string? order = null, string? cursor = null)
    {
        var request = new ResourceListRequest(tenantId, projectId, status, siteId, before, limit, sort, order, cursor);
        var key = cache.Enabled ? ResourceReadCache.Key("rest:resources", context, JsonSerializer.SerializeToUtf8Bytes(request)) : null;
        if (key is not null && cache.TryGet(key, out var kept))
        {
            return new CachedJson<ResourcePageResponse>(kept);
        }

        var version = cache.Version;
        var page = await queries.ListJsonAsync(context.RequiredCaller(), request, cancellationToken);
        if (page.Error is { } error)
        {
            return error.ToProblem();
        }

        // The items may lie in a pooled buffer: given back once the response is written (the result copies them out).
        context.Response.RegisterForDispose(page.Value!);

        return key is null
            ? new ResourcePageResult(page.Value!, writer)
            : new CachedJson<ResourcePageResponse>(cache.Keep(key, version, writer.ToArray(page.Value!)));
    }

    private static async Task<Results<ResourceDetailResult, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, ResourceQueries queries, IResourceLedger ledger, CancellationToken cancellationToken)
    {
        var found = await queries.GetJsonAsync(context.RequiredCaller(), id, cancellationToken);
        if (found.Error is { } error)
        {
            return error.ToProblem();
        }

        var (resource, events) = found.Value!;
        OnChainResponse? onChain = null;
        string? chainError = null;
        try
        {
            var read = await ledger.ReadAsync(id, resource.UpdatedAt, cancellationToken);
            onChain = read.Record is { } record ? record.ToResponse() with { ReadAtBlock = read.Block } : null;
        }
        catch (LedgerUnavailableException ex)
        {
            // The store's view is still worth showing while the chain is away.
            chainError = ex.Message;
        }

        return new ResourceDetailResult(resource, [.. events.Select(e => e.ToResponse())], onChain, chainError);
    }

    private static async Task<Results<Accepted<ResourceResponse>, ProblemHttpResult>> ResizeAsync(
        string id, ResizeRequestBody? body, HttpContext context, ProvisioningService service, ReconcilerSignal signal, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return ErrorProblems.Invalid(new() { ["body"] = ["A JSON body is required."] });
        }

        var result = await service.ResizeAsync(Actor(context), context.RequiredCaller(), id, body.ToRequest(), cancellationToken);
        if (result.Error is { } error)
        {
            return error.ToProblem();
        }

        signal.Wake();
        return TypedResults.Accepted($"/api/v1/resources/{id}", result.Value!.ToResponse());
    }

    private static async Task<Results<Accepted<ResourceResponse>, ProblemHttpResult>> DeleteAsync(
        string id, HttpContext context, ProvisioningService service, ReconcilerSignal signal, CancellationToken cancellationToken)
    {
        var result = await service.DeleteAsync(Actor(context), context.RequiredCaller(), id, cancellationToken);
        if (result.Error is { } error)
        {
            return error.ToProblem();
        }

        signal.Wake();
        return TypedResults.Accepted($"/api/v1/resources/{id}", result.Value!.ToResponse());
    }

    private static async Task<Results<Ok<UsageResponse>, ProblemHttpResult>> UsageAsync(
        string id, HttpContext context, ResourceQueries queries, CancellationToken cancellationToken)
    {
        var usage = await queries.GetUsageAsync(context.RequiredCaller(), id, cancellationToken);
        if (usage.Error is { } error)
        {
            return error.ToProblem();
        }

        var hours = usage.Value!;
        var totals = new UsageTotals(hours.Sum(h => h.Seconds), hours.Sum(h => h.VCpuHours), hours.Sum(h => h.RamGbHours), hours.Sum(h => h.DiskGbHours));
        return TypedResults.Ok(new UsageResponse(id, totals,
            [.. hours.Select(h => new UsageHour(h.HourStart, h.Seconds, h.VCpuHours, h.RamGbHours, h.DiskGbHours))]));
    }

    private static async Task<Results<Ok<ProjectUsageResponse>, ProblemHttpResult>> ProjectUsageAsync(
        string id, HttpContext context, ResourceQueries queries, TimeProvider time, CancellationToken cancellationToken, string? from = null, string? to = null)
    {
        var errors = new Dictionary<string, string[]>();
        var range = UsageRange.Parse(from, to, time.GetUtcNow(), errors);
        if (errors.Count > 0)
        {
            return ErrorProblems.Invalid(errors);
        }

        var usage = await queries.GetProjectUsageAsync(context.RequiredCaller(), id, range.From, range.To, cancellationToken);
        if (usage.Error is { } error)
        {
            return error.ToProblem();
        }

        var (project, hours) = usage.Value!;
        var totals = new UsageTotals(hours.Sum(h => h.Seconds), hours.Sum(h => h.VCpuHours), hours.Sum(h => h.RamGbHours), hours.Sum(h => h.DiskGbHours));
        return TypedResults.Ok(new ProjectUsageResponse(project.Id, range.From, range.To, totals,
            [.. hours.Select(h => new ProjectUsageHour(h.HourStart, h.Resources, h.Seconds, h.VCpuHours, h.RamGbHours, h.DiskGbHours))]));
    }
}
