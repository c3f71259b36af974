using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Tenancy;

namespace Sankofa.Core.Provisioning;

/// <summary>
/// A resource list as a caller asks for it, before validation: REST query parameters and GraphQL arguments map onto it
/// one to one, so both validate and filter alike.
/// </summary>
/// <param name="TenantId">Only this tenant's.</param>
/// <param name="ProjectId">Only this project's.</param>
/// <param name="Status">Only resources in this state (its name, any case).</param>
/// <param name="SiteId">Only resources placed on this site.</param>
/// <param name="Before">The default order's numeric cursor.</param>
/// <param name="Limit">Page size, 1 to <see cref="ResourceQueries.MaxPageSize"/> (default 100).</param>
/// <param name="Sort">created (default), name, status or site.</param>
/// <param name="Order">asc or desc.</param>
/// <param name="Cursor">The previous page's next cursor.</param>
public sealed record ResourceListRequest(
    string? TenantId = null, string? ProjectId = null, string? Status = null, string? SiteId = null, long? Before = null, int? Limit = null,
    string? Sort = null, string? Order = null, string? Cursor = null);

/// <summary>One resource with its history.</summary>
/// <param name="Resource">The resource.</param>
/// <param name="Events">Its history, oldest first.</param>
public sealed record ResourceDetail(Resource Resource, IReadOnlyList<ResourceEvent> Events);

/// <summary>One resource as its list item's JSON, with its history.</summary>
/// <param name="Resource">The resource's list item, tenant and last change.</param>
/// <param name="Events">Its history, oldest first.</param>
public sealed record ResourceJsonDetail(ResourceJson Resource, IReadOnlyList<ResourceEvent> Events);

/// <summary>A project's usage per clock hour over a range.</summary>
/// <param name="Project">The project.</param>
/// <param name="Hours">Hours with usage, oldest first.</param>
public sealed record ProjectUsage(Project Project, IReadOnlyList<UsageHourTotal> Hours);

/// <summary>
/// Every read of resources and their usage, with the caller's visibility applied here once: lists hold only the tenants
/// the caller may read resources of (in the store query itself), and another tenant's resource or project answers
/// exactly as a missing one. REST, GraphQL and the portal call these and only map the answers.
/// </summary>
/// <param name="store">Where resources live.</param>
/// <param name="projects">Where projects live.</param>
/// <param name="usage">Where metered usage lives.</param>
public sealed class ResourceQueries(IResourceStore store, IProjectStore projects, IUsageStore usage)
{
    /// <summary>Largest page a list returns.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>A page of the resources the caller may see, filtered and ordered as asked.</summary>
    public async Task<Result<ResourcePage>> ListAsync(Caller caller, ResourceListRequest request, CancellationToken cancellationToken)
    {
        var query = QueryOf(caller, request);
        return query.Error is { } error
            ? error
            : Result<ResourcePage>.Ok(await store.ListResourcesAsync(query.Value!, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The same page as <see cref="ListAsync"/>, each resource as its list item's JSON (what the REST list answers).</summary>
    public async Task<Result<ResourceJsonPage>> ListJsonAsync(Caller caller, ResourceListRequest request, CancellationToken cancellationToken)
    {
        var query = QueryOf(caller, request);
        return query.Error is { } error
            ? error
            : Result<ResourceJsonPage>.Ok(await store.ListResourceJsonAsync(query.Value!, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The request validated, as a store query limited to what the caller may see.</summary>
    private static Result<ResourceQuery> QueryOf(Caller caller, ResourceListRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        var errors = new Dictionary<string, string[]>();
        var status = ParseStatus(request.Status, errors);
        if (request.Limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"Must be between 1 and {MaxPageSize}."];
        }

        var order = ResourceListOrder.Parse(request.Sort, request.Order, request.Cursor, request.Before, errors);
        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        // Only the tenants the caller may see, in the query itself: another tenant's resources are never read or counted.
        var query = new ResourceQuery(request.TenantId, request.ProjectId, status, request.SiteId, request.Before, request.Limit ?? 100,
            caller.TenantsWith(Permission.ResourcesRead), order.Sort, order.Descending, order.After);
        return Result<ResourceQuery>.Ok(query);
    }

    /// <summary>One resource with its history, when the caller may read it.</summary>
    public async Task<Result<ResourceDetail>> GetAsync(Caller caller, string resourceId, CancellationToken cancellationToken)
    {
        var found = await GetResourceAsync(caller, resourceId, cancellationToken).ConfigureAwait(false);
        if (found.Error is { } error)
        {
            return error;
        }

        return Result<ResourceDetail>.Ok(new ResourceDetail(found.Value!, await store.GetEventsAsync(resourceId, cancellationToken).ConfigureAwait(false)));
    }

    /// <summary>The same as <see cref="GetAsync"/>, the resource as its list item's JSON (what the REST read of one resource answers with).</summary>
    public async Task<Result<ResourceJsonDetail>> GetJsonAsync(Caller caller, string resourceId, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        if (await store.GetResourceJsonAsync(resourceId, cancellationToken).ConfigureAwait(false) is not { } resource
            || !caller.Can(Permission.ResourcesRead, resource.TenantId))
        {
            return NotFound(resourceId);
        }

        return Result<ResourceJsonDetail>.Ok(new ResourceJsonDetail(resource, await store.GetEventsAsync(resourceId, cancellationToken).ConfigureAwait(false)));
    }

    /// <summary>
    /// One resource without its history, when the caller may read it: for reads about the resource (its provenance)
    /// that need it visible and its placement, not its events.
    /// </summary>
    public async Task<Result<Resource>> GetResourceAsync(Caller caller, string resourceId, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        return await VisibleAsync(caller, resourceId, cancellationToken).ConfigureAwait(false) is { } resource ? Result<Resource>.Ok(resource) : NotFound(resourceId);
    }

    /// <summary>A resource's metered usage, oldest hour first, when the caller may read it.</summary>
    public async Task<Result<IReadOnlyList<UsageRecord>>> GetUsageAsync(Caller caller, string resourceId, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        if (await VisibleAsync(caller, resourceId, cancellationToken).ConfigureAwait(false) is null)
        {
            return NotFound(resourceId);
        }

        return Result<IReadOnlyList<UsageRecord>>.Ok(await usage.GetUsageAsync(resourceId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>A project's usage per clock hour for hours starting in [<paramref name="from"/>, <paramref name="to"/>), when the caller may read its resources.</summary>
    public async Task<Result<ProjectUsage>> GetProjectUsageAsync(
        Caller caller, string projectId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        // Another tenant's project answers as a missing one.
        if (await projects.GetProjectAsync(projectId, cancellationToken).ConfigureAwait(false) is not { } project || !caller.Can(Permission.ResourcesRead, project.TenantId))
        {
            return Error.NotFound("id", $"There is no project '{projectId}'.");
        }

        var hours = await usage.GetProjectUsageAsync(project.TenantId, project.Id, from, to, cancellationToken).ConfigureAwait(false);
        return Result<ProjectUsage>.Ok(new ProjectUsage(project, hours));
    }

    /// <summary>A 403 for a caller whose roles let it read resources nowhere; null when they do somewhere.</summary>
    private static Error? Refusal(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.HasAny(Permission.ResourcesRead) ? null : AccessErrors.Forbidden(Permission.ResourcesRead);
    }

    /// <summary>The resource, when it exists in a tenant the caller may read resources of (reading needs no more than seeing).</summary>
    private async Task<Resource?> VisibleAsync(Caller caller, string resourceId, CancellationToken cancellationToken) =>
        await store.GetResourceAsync(resourceId, cancellationToken).ConfigureAwait(false) is { } resource && caller.Can(Permission.ResourcesRead, resource.TenantId)
            ? resource
            : null;

    private static Error NotFound(string id) => Error.NotFound("id", $"There is no resource '{id}'.");

    private static ResourceStatus? ParseStatus(string? status, Dictionary<string, string[]> errors)
    {
        if (status is null)
        {
            return null;
        }

        if (Enum.TryParse<ResourceStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(status, out _))
        {
            return parsed;
        }

        errors["status"] = [$"One of: {string.Join(", ", Enum.GetNames<ResourceStatus>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}."];
        return null;
    }
}
