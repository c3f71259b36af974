using GraphQL;
using GraphQL.Types;
using Sankofa.Core.Audit;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Topology;
using Sankofa.Server.Audit;
using Sankofa.Server.Topology;

namespace Sankofa.Server.GraphQL;

/// <summary>The root query: sites, the audit log, resources, agents and the governance board.</summary>
public sealed class SankofaQuery : ObjectGraphType
{
    /// <summary>Declares the root fields.</summary>
    public SankofaQuery()
    {
        Name = "Query";

        Field<NonNullGraphType<SitePageGraphType>>("sites")
            .Description("Sites ordered by id, filtered, paged with 'after' (the 'next' of the previous page).")
            .Argument<SiteTierGraphType>("tier")
            .Argument<StringGraphType>("region")
            .Argument<StringGraphType>("jurisdiction", "ISO 3166-1 alpha-2 country code.")
            .Argument<SiteStatusGraphType>("status", "Observed health when the site is probed, else the catalog's.")
            .Argument<StringGraphType>("after")
            .Argument<IntGraphType>("first", $"Page size, 1 to {SiteQueries.MaxPageSize} (default 100).")
            .Resolve(context => SitePageResponse.From(Sites(context).List(context.Require(Permission.SitesRead), new SiteListRequest(
                context.GetArgument<SiteTier?>("tier"), context.GetArgument<string?>("region"), context.GetArgument<string?>("jurisdiction"),
                context.GetArgument<SiteStatus?>("status"), context.GetArgument<string?>("after"), context.GetArgument<int?>("first"))).Answer(), withHosts: true));

        Field<SiteGraphType>("site")
            .Description("One site, or null when there is none with that id.")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .Resolve(context => Sites(context).Get(context.Require(Permission.SitesRead), context.GetArgument<string>("id")).AnswerOrNull() is { } site
                ? SiteResponse.From(site, withHosts: true)
                : null);

        Field<NonNullGraphType<AuditPageGraphType>>("auditEntries")
            .Description("Audit entries newest first, filtered, paged with 'before' (the 'next' of the previous page).")
            .Argument<StringGraphType>("actor")
            .Argument<StringGraphType>("action")
            .Argument<StringGraphType>("subject")
            .Argument<LongGraphType>("before")
            .Argument<IntGraphType>("first", $"Page size, 1 to {AuditQueries.MaxPageSize} (default 100).")
            .ResolveAsync(async context => (await Audit(context).ListAsync(context.Require(Permission.AuditRead),
                new AuditQuery(context.GetArgument<string?>("actor"), context.GetArgument<string?>("action"), context.GetArgument<string?>("subject"),
                    Before: context.GetArgument<long?>("before"), Limit: context.GetArgument<int?>("first") ?? 100),
                context.CancellationToken)).Answer().ToResponse());

        Field<AuditEntryGraphType>("auditEntry")
            .Description("One audit entry with its seal, proof and batch, or null.")
            .Argument<NonNullGraphType<LongGraphType>>("id")
            .ResolveAsync(async context =>
                (await Audit(context).GetEntryAsync(context.Require(Permission.AuditRead), context.GetArgument<long>("id"), context.CancellationToken)).AnswerOrNull() is { } found
                    ? found.Entry.ToResponse(found.Batch)
                    : null);

        ProvisioningFields.AddQueries(this);
        AgentFields.AddQueries(this);
        GovernanceFields.AddQueries(this);
        BillingFields.AddQueries(this);
        HardwareFields.AddQueries(this);
        EvidenceFields.AddQueries(this);
        ComplianceFields.AddQueries(this);
        PersonalDataFields.AddQueries(this);
    }

    private static SiteQueries Sites(IResolveFieldContext context) => context.RequestServices!.GetRequiredService<SiteQueries>();

    private static AuditQueries Audit(IResolveFieldContext context) => context.RequestServices!.GetRequiredService<AuditQueries>();
}
