using GraphQL;
using GraphQL.Types;
using Sankofa.Core.Audit;
using Sankofa.Core.Identity;
using Sankofa.Core.Topology;
using Sankofa.Server.Audit;
using Sankofa.Server.Topology;

namespace Sankofa.Server.GraphQL;

/// <summary>The root query: sites and the audit log.</summary>
public sealed class SankofaQuery : ObjectGraphType
{
    /// <summary>Declares the root fields.</summary>
    public SankofaQuery()
    {
        Name = "Query";

        Field<NonNullGraphType<SitePageGraphType>>("sites")
            .Description("Sites ordered by id, filtered, paged with 'after' (the 'next' of the previous page).")
            .Argument<SiteTierGraphType>("tier")
            .Argument<StringGraphType>("jurisdiction", "ISO 3166-1 alpha-2 country code.")
            .Argument<StringGraphType>("after")
            .Argument<IntGraphType>("first", "Page size, 1 to 500 (default 100).")
            .Resolve(context =>
            {
                context.Require(Permission.SitesRead);
                var first = PageSize(context, "first", 100, SitesApi.MaxPageSize);
                var tier = context.GetArgument<SiteTier?>("tier");
                var jurisdiction = context.GetArgument<string?>("jurisdiction");
                var after = context.GetArgument<string?>("after");
                var sites = context.RequestServices!.GetRequiredService<SiteView>();
                var matches = sites.Catalog.Sites
                    .Where(s => tier is null || s.Tier == tier)
                    .Where(s => jurisdiction is null || string.Equals(s.Jurisdiction, jurisdiction, StringComparison.OrdinalIgnoreCase))
                    .OrderBy(s => s.Id, StringComparer.Ordinal)
                    .Where(s => after is null || string.CompareOrdinal(s.Id, after) > 0)
                    .Take(first + 1)
                    .Select(s => sites.Describe(s, withHosts: true))
                    .ToList();
                var items = matches.Take(first).ToList();
                return new SitePageResponse(items, matches.Count > first ? items[^1].Id : null);
            });

        Field<SiteGraphType>("site")
            .Description("One site, or null when there is none with that id.")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .Resolve(context =>
            {
                context.Require(Permission.SitesRead);
                var sites = context.RequestServices!.GetRequiredService<SiteView>();
                return sites.Catalog.Find(context.GetArgument<string>("id")) is { } site
                    ? sites.Describe(site, withHosts: true)
                    : null;
            });

        Field<NonNullGraphType<AuditPageGraphType>>("auditEntries")
            .Description("Audit entries newest first, filtered, paged with 'before' (the 'next' of the previous page).")
            .Argument<StringGraphType>("actor")
            .Argument<StringGraphType>("action")
            .Argument<StringGraphType>("subject")
            .Argument<LongGraphType>("before")
            .Argument<IntGraphType>("first", "Page size, 1 to 1000 (default 100).")
            .ResolveAsync(async context =>
            {
                context.Require(Permission.AuditRead);
                var first = PageSize(context, "first", 100, AuditApi.MaxPageSize);
                var store = context.RequestServices!.GetRequiredService<IAuditStore>();
                var page = await store.ListEntriesAsync(
                    new AuditQuery(context.GetArgument<string?>("actor"), context.GetArgument<string?>("action"), context.GetArgument<string?>("subject"),
                        Before: context.GetArgument<long?>("before"), Limit: first),
                    context.CancellationToken);
                return new AuditPageResponse(await AuditApi.ToResponsesAsync(store, page.Items, context.CancellationToken), page.NextBefore);
            });

        Field<AuditEntryGraphType>("auditEntry")
            .Description("One audit entry with its seal, proof and batch, or null.")
            .Argument<NonNullGraphType<LongGraphType>>("id")
            .ResolveAsync(async context =>
            {
                context.Require(Permission.AuditRead);
                var store = context.RequestServices!.GetRequiredService<IAuditStore>();
                var entry = await store.GetEntryAsync(context.GetArgument<long>("id"), context.CancellationToken);
                if (entry is null)
                {
                    return null;
                }

                var batch = entry.Seal is { } seal ? await store.GetBatchAsync(seal.BatchId, context.CancellationToken) : null;
                return entry.ToResponse(batch);
            });

        ProvisioningFields.AddQueries(this);
    }

    private static int PageSize(IResolveFieldContext context, string argument, int fallback, int max)
    {
        var value = context.GetArgument<int?>(argument) ?? fallback;
        if (value < 1 || value > max)
        {
            throw new ExecutionError($"'{argument}' must be between 1 and {max}.")
            {
                Code = "BAD_USER_INPUT",
                Data = { ["argument"] = argument },
            };
        }

        return value;
    }
}
