using GraphQL;
using GraphQL.Types;
using Sankofa.Core;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
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
            .ResolveAsync(async c => (await Tenancy(c).ListTenantsAsync(c.Require(Permission.TenantsRead), c.CancellationToken)).Answer().Select(TenantResponse.From).ToList());

        query.Field<ProjectGraphType>("project")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async c => (await Tenancy(c).GetProjectAsync(c.Require(Permission.TenantsRead), c.GetArgument<string>("id"), c.CancellationToken))
                .AnswerOrNull() is { } p ? ProjectResponse.From(p) : null);

        query.Field<ResourceGraphType>("resource")
            .Description("One resource with its placement explanation and history, or null.")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async c =>
            {
                var found = (await Resources(c).GetAsync(c.Require(Permission.ResourcesRead), c.GetArgument<string>("id"), c.CancellationToken)).AnswerOrNull();
                return found is null ? null : found.Resource.ToResponse() with { Events = [.. found.Events.Select(e => e.ToResponse())] };
            });

        query.Field<NonNullGraphType<ResourcePageGraphType>>("resources")
            .Description("Resources in the order asked for (newest first by default), paged with 'cursor' (the 'nextCursor' of the previous page) or, newest first, 'before'.")
            .Argument<StringGraphType>("tenantId")
            .Argument<StringGraphType>("projectId")
            .Argument<StringGraphType>("status", "Only resources in this state: requested, placed, provisioning, provisioned, verified, deleting, deleted or failed.")
            .Argument<StringGraphType>("siteId")
            .Argument<LongGraphType>("before")
            .Argument<IntGraphType>("first", $"Page size, 1 to {ResourceQueries.MaxPageSize} (default 100).")
            .Argument<StringGraphType>("sort", "created (default), name, status or site; ties by creation.")
            .Argument<StringGraphType>("order", "asc or desc; default desc for created, asc otherwise.")
            .Argument<StringGraphType>("cursor", "The 'nextCursor' of the previous page, with the same sort and order.")
            .ResolveAsync(async c => ResourcePageResponse.From((await Resources(c).ListAsync(c.Require(Permission.ResourcesRead),
                new ResourceListRequest(c.GetArgument<string?>("tenantId"), c.GetArgument<string?>("projectId"), c.GetArgument<string?>("status"), c.GetArgument<string?>("siteId"),
                    c.GetArgument<long?>("before"), c.GetArgument<int?>("first"), c.GetArgument<string?>("sort"), c.GetArgument<string?>("order"), c.GetArgument<string?>("cursor")),
                c.CancellationToken)).Answer()));

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
                    .CreateAsync(caller.Actor(), caller, Input(c).ToRequest(), c.GetArgument<string?>("idempotencyKey"), c.CancellationToken));
                c.RequestServices!.GetRequiredService<ReconcilerSignal>().Wake();
                return accepted.Resource.ToResponse(accepted.Replayed);
            });

        mutation.Field<NonNullGraphType<ResourceGraphType>>("resizeResource")
            .Description("Resizes a running VM on its host (disks only grow): the new spec is recorded on chain and the VM changed in place until both attest it again.")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .Argument<IntGraphType>("vcpu")
            .Argument<LongGraphType>("ramMiB")
            .Argument<LongGraphType>("diskGiB")
            .ResolveAsync(async c =>
            {
                var caller = c.Require(Permission.ResourcesWrite);
                var request = new ResizeRequest(c.GetArgument<int?>("vcpu"), c.GetArgument<long?>("ramMiB"), c.GetArgument<long?>("diskGiB"));
                var resource = Unwrap(await c.RequestServices!.GetRequiredService<ProvisioningService>()
                    .ResizeAsync(caller.Actor(), caller, c.GetArgument<string>("id"), request, c.CancellationToken));
                c.RequestServices!.GetRequiredService<ReconcilerSignal>().Wake();
                return resource.ToResponse();
            });

        mutation.Field<NonNullGraphType<ResourceGraphType>>("deleteResource")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async c =>
            {
                var caller = c.Require(Permission.ResourcesWrite);
                var resource = Unwrap(await c.RequestServices!.GetRequiredService<ProvisioningService>()
                    .DeleteAsync(caller.Actor(), caller, c.GetArgument<string>("id"), c.CancellationToken));
                c.RequestServices!.GetRequiredService<ReconcilerSignal>().Wake();
                return resource.ToResponse();
            });
    }

    private static ResourceQueries Resources(IResolveFieldContext c) => c.RequestServices!.GetRequiredService<ResourceQueries>();

    private static TenancyQueries Tenancy(IResolveFieldContext c) => c.RequestServices!.GetRequiredService<TenancyQueries>();

    private static ResourceRequestBody Input(IResolveFieldContext c)
    {
        var body = c.GetArgument<ResourceRequestBody>("input");
        var missing = body.Missing();
        return missing.Count > 0 ? throw GraphAccess.ToGraphError(Error.Invalid(missing)) : body;
    }

    private static T Unwrap<T>(Result<T> result) => result.Error is { } error ? throw GraphAccess.ToGraphError(error) : result.Value!;
}
