using GraphQL;
using GraphQL.Types;
using Sankofa.Core.Identity;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Provisioning;
using Sankofa.Server.Tenancy;

namespace Sankofa.Server.GraphQL;

/// <summary>
/// Tenants, projects, resources and placement over GraphQL, through the same service and store as the REST API and
/// under the same rules: each field needs its permission, lists hold only the caller's tenants, and another tenant's
/// project or resource is null (or NOT_FOUND for a mutation), as a missing one.
/// </summary>
internal static class ProvisioningFields
{
    public static void AddQueries(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<TenantGraphType>>>>("tenants")
            .ResolveAsync(async c =>
            {
                var visible = c.Require(Permission.TenantsRead).TenantsWith(Permission.TenantsRead);
                return (await Store(c).ListTenantsAsync(c.CancellationToken)).Where(t => visible is null || visible.Contains(t.Id)).Select(TenantResponse.From).ToList();
            });

        query.Field<ProjectGraphType>("project")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async c =>
            {
                var caller = c.Require(Permission.TenantsRead);
                return await Store(c).GetProjectAsync(c.GetArgument<string>("id"), c.CancellationToken) is { } p && caller.Can(Permission.TenantsRead, p.TenantId)
                    ? ProjectResponse.From(p)
                    : null;
            });

        query.Field<ResourceGraphType>("resource")
            .Description("One resource with its placement explanation and history, or null.")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async c =>
            {
                var caller = c.Require(Permission.ResourcesRead);
                var id = c.GetArgument<string>("id");
                var resource = await Store(c).GetResourceAsync(id, c.CancellationToken);
                if (resource is null || !caller.Can(Permission.ResourcesRead, resource.TenantId))
                {
                    return null;
                }

                var events = await Store(c).GetEventsAsync(id, c.CancellationToken);
                return resource.ToResponse() with { Events = [.. events.Select(e => e.ToResponse())] };
            });

        query.Field<NonNullGraphType<ResourcePageGraphType>>("resources")
            .Description("Resources in the order asked for (newest first by default), paged with 'cursor' (the 'nextCursor' of the previous page) or, newest first, 'before'.")
            .Argument<StringGraphType>("tenantId")
            .Argument<StringGraphType>("projectId")
            .Argument<StringGraphType>("siteId")
            .Argument<LongGraphType>("before")
            .Argument<IntGraphType>("first", "Page size, 1 to 1000 (default 100).")
            .Argument<StringGraphType>("sort", "created (default), name, status or site; ties by creation.")
            .Argument<StringGraphType>("order", "asc or desc; default desc for created, asc otherwise.")
            .Argument<StringGraphType>("cursor", "The 'nextCursor' of the previous page, with the same sort and order.")
            .ResolveAsync(async c =>
            {
                var caller = c.Require(Permission.ResourcesRead);
                var first = c.GetArgument<int?>("first") ?? 100;
                if (first is < 1 or > 1000)
                {
                    throw new ExecutionError("'first' must be between 1 and 1000.") { Code = "BAD_USER_INPUT", Data = { ["argument"] = "first" } };
                }

                var errors = new Dictionary<string, string[]>();
                var before = c.GetArgument<long?>("before");
                var order = ResourceListOrder.Parse(c.GetArgument<string?>("sort"), c.GetArgument<string?>("order"), c.GetArgument<string?>("cursor"), before, errors);
                if (errors.Count > 0)
                {
                    var (argument, problems) = errors.First();
                    throw new ExecutionError($"'{argument}': {problems[0]}") { Code = "BAD_USER_INPUT", Data = { ["argument"] = argument } };
                }

                var page = await Store(c).ListResourcesAsync(
                    new ResourceQuery(c.GetArgument<string?>("tenantId"), c.GetArgument<string?>("projectId"), null, c.GetArgument<string?>("siteId"), before, first,
                        caller.TenantsWith(Permission.ResourcesRead), order.Sort, order.Descending, order.After),
                    c.CancellationToken);
                return ResourcePageResponse.From(page);
            });

        query.Field<PlacementGraphType>("explainPlacement")
            .Description("Where a VM with this request would go and why, without creating anything.")
            .Argument<NonNullGraphType<ResourceInputGraphType>>("input")
            .ResolveAsync(async c => Unwrap(await c.RequestServices!.GetRequiredService<ProvisioningService>()
                .ExplainAsync(c.Require(Permission.ResourcesRead), Input(c).ToRequest(), c.CancellationToken)));
    }

    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<ResourceGraphType>>("createResource")
            .Description("Requests a VM: validated, checked against quota, placed, recorded; then provisioned in the background.")
            .Argument<NonNullGraphType<ResourceInputGraphType>>("input")
            .Argument<StringGraphType>("idempotencyKey")
            .ResolveAsync(async c =>
            {
                var caller = c.Require(Permission.ResourcesWrite);
                var accepted = Unwrap(await c.RequestServices!.GetRequiredService<ProvisioningService>()
                    .CreateAsync(Actor(caller), caller, Input(c).ToRequest(), c.GetArgument<string?>("idempotencyKey"), c.CancellationToken));
                c.RequestServices!.GetRequiredService<ReconcilerSignal>().Wake();
                return accepted.Resource.ToResponse(accepted.Replayed);
            });

        mutation.Field<NonNullGraphType<ResourceGraphType>>("deleteResource")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async c =>
            {
                var caller = c.Require(Permission.ResourcesWrite);
                var resource = Unwrap(await c.RequestServices!.GetRequiredService<ProvisioningService>()
                    .DeleteAsync(Actor(caller), caller, c.GetArgument<string>("id"), c.CancellationToken));
                c.RequestServices!.GetRequiredService<ReconcilerSignal>().Wake();
                return resource.ToResponse();
            });
    }

    private static IProvisioningStore Store(IResolveFieldContext c) => c.RequestServices!.GetRequiredService<IProvisioningStore>();

    /// <summary>Who the audit log names for a change made through GraphQL.</summary>
    private static string Actor(Caller caller) => "graphql:" + caller.Id;

    private static ResourceRequestBody Input(IResolveFieldContext c)
    {
        var body = c.GetArgument<ResourceRequestBody>("input");
        var missing = body.Missing();
        return missing.Count > 0 ? throw Error(ProvisioningError.Invalid(missing)) : body;
    }

    private static T Unwrap<T>(ProvisioningResult<T> result) => result.Error is { } error ? throw Error(error) : result.Value!;

    /// <summary>The refusal the REST API answers as ProblemDetails, as a GraphQL error: the code says its kind, the data names the fields.</summary>
    private static ExecutionError Error(ProvisioningError error)
    {
        var e = new ExecutionError(error.Message)
        {
            Code = error.Kind switch
            {
                ProvisioningErrorKind.Invalid => "BAD_USER_INPUT",
                ProvisioningErrorKind.NotFound => "NOT_FOUND",
                ProvisioningErrorKind.Conflict => "CONFLICT",
                ProvisioningErrorKind.QuotaExceeded => "QUOTA_EXCEEDED",
                ProvisioningErrorKind.ConflictingConstraints => "CONFLICTING_CONSTRAINTS",
                ProvisioningErrorKind.Forbidden => "FORBIDDEN",
                _ => "NO_CAPACITY",
            },
        };
        e.Data["fields"] = error.Fields.ToDictionary(f => f.Key, f => (object)f.Value);
        return e;
    }
}
