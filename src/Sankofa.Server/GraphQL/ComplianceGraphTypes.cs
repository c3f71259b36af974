using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Sankofa.Core.Access;
using Sankofa.Core.Residency;
using Sankofa.Core.Retention;
using Sankofa.Server.Compliance;
using Sankofa.Server.Retention;

namespace Sankofa.Server.GraphQL;

/// <summary>Where a residency report's proofs were read.</summary>
public sealed class ResidencyChainGraphType : ObjectGraphType<ResidencyChainResponse>
{
    /// <summary>Declares the fields.</summary>
    public ResidencyChainGraphType()
    {
        Name = "ResidencyChain";
        Field(x => x.ChainId);
        Field(x => x.Registry).Description("ResourceRegistry's address.");
        Field(x => x.Block).Description("The block read.");
    }
}

/// <summary>What ResourceRegistry records for one resource of a residency report.</summary>
public sealed class ResidencyProofGraphType : ObjectGraphType<ResidencyProofResponse>
{
    /// <summary>Declares the fields.</summary>
    public ResidencyProofGraphType()
    {
        Name = "ResidencyProof";
        Field(x => x.ResourceKey).Description("keccak-256 of the resource id, the key of resourceOf and jurisdictionOf.");
        Field(x => x.State).Description("State on chain (none when the chain holds nothing).");
        Field(x => x.Site, nullable: true).Description("Site hash on chain.");
        Field(x => x.SiteMatches).Description("Whether site and host on chain are keccak-256 of the store's.");
        Field(x => x.Jurisdiction, nullable: true).Description("Jurisdiction recorded with the placement.");
        Field(x => x.UpdatedBlock, nullable: true);
    }
}

/// <summary>One resource of a residency report: where it ran, the chain's record, and its flags.</summary>
public sealed class ResidencyLineGraphType : ObjectGraphType<ResidencyLineResponse>
{
    /// <summary>Declares the fields.</summary>
    public ResidencyLineGraphType()
    {
        Name = "ResidencyLine";
        Field(x => x.Id);
        Field(x => x.Name);
        Field(x => x.Project);
        Field(x => x.Status);
        Field(x => x.Site);
        Field(x => x.Host);
        Field(x => x.Jurisdiction).Description("The site's jurisdiction (ISO 3166-1 alpha-2).");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("allowedJurisdictions").Description("The residency rule it was created under; null when none.")
            .Resolve(c => c.Source.AllowedJurisdictions);
        Field(x => x.RanFrom);
        Field(x => x.RanUntil);
        Field<NonNullGraphType<ResidencyProofGraphType>>("proof").Resolve(c => c.Source.Proof);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("flags").Description("What is wrong; empty when nothing is.").Resolve(c => c.Source.Flags);
    }
}

/// <summary>A tenant's residency report, as <c>GET /api/v1/compliance/residency</c> answers it.</summary>
public sealed class ResidencyReportGraphType : ObjectGraphType<ResidencyReportResponse>
{
    /// <summary>Declares the fields.</summary>
    public ResidencyReportGraphType()
    {
        Name = "ResidencyReport";
        Field(x => x.Tenant);
        Field(x => x.From);
        Field(x => x.To).Description("End of the period (exclusive).");
        Field(x => x.GeneratedAt);
        Field<NonNullGraphType<ResidencyChainGraphType>>("chain").Resolve(c => c.Source.Chain);
        Field(x => x.Flagged).Description("How many resources carry a flag.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResidencyLineGraphType>>>>("resources").Resolve(c => c.Source.Resources);
    }
}

/// <summary>A retention policy.</summary>
public sealed class RetentionPolicyGraphType : ObjectGraphType<RetentionPolicyResponse>
{
    /// <summary>Declares the fields.</summary>
    public RetentionPolicyGraphType()
    {
        Name = "RetentionPolicy";
        Field(x => x.Kind).Description("The records it governs (auditEntries).");
        Field(x => x.Years).Description("Years each record is kept from its own time.");
    }
}

/// <summary>The last audit entry removed before the hot log (or an archive) starts, with its inclusion proof.</summary>
public sealed class AuditBoundaryGraphType : ObjectGraphType<AuditBoundaryResponse>
{
    /// <summary>Declares the fields.</summary>
    public AuditBoundaryGraphType()
    {
        Name = "AuditBoundary";
        Field(x => x.Sequence);
        Field(x => x.Hash);
        Field(x => x.BatchId);
        Field(x => x.LeafIndex);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("proof").Description("Sibling hashes from the leaf up.").Resolve(c => c.Source.Proof);
    }
}

/// <summary>An archive (or a deletion) of audit batches that left the hot log.</summary>
public sealed class AuditArchiveGraphType : ObjectGraphType<AuditArchiveResponse>
{
    /// <summary>Declares the fields.</summary>
    public AuditArchiveGraphType()
    {
        Name = "AuditArchive";
        Field(x => x.Id);
        Field(x => x.Kind).Description("archived or deleted.");
        Field(x => x.CreatedAt);
        Field(x => x.Before).Description("The cut-off asked for.");
        Field(x => x.FirstBatch);
        Field(x => x.LastBatch);
        Field(x => x.FirstSequence);
        Field(x => x.LastSequence);
        Field(x => x.Entries);
        Field(x => x.OldestEntry);
        Field(x => x.NewestEntry);
        Field(x => x.RetainedUntil).Description("When the newest entry's retention ends: the archive may not be deleted before.");
        Field<NonNullGraphType<AuditBoundaryGraphType>>("last").Resolve(c => c.Source.Last);
        Field(x => x.FileName, nullable: true);
        Field(x => x.FileSha256, nullable: true);
        Field(x => x.File, nullable: true).Description("Where to download it over REST (archived only).");
    }
}

/// <summary>The retention policies and what has left the hot audit log.</summary>
public sealed class RetentionStatusGraphType : ObjectGraphType<RetentionStatusResponse>
{
    /// <summary>Declares the fields.</summary>
    public RetentionStatusGraphType()
    {
        Name = "RetentionStatus";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RetentionPolicyGraphType>>>>("policies").Resolve(c => c.Source.Policies);
        Field<AuditBoundaryGraphType>("hotLogStartsAfter").Description("The last entry removed (null when nothing was).").Resolve(c => c.Source.HotLogStartsAfter);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AuditArchiveGraphType>>>>("archives").Resolve(c => c.Source.Archives);
    }
}

/// <summary>
/// Compliance as REST answers it, under the same rules: the residency report (residency.read, Core checks the tenant),
/// retention and archives (audit.read or audit.archive, Core checks which), archiving and deleting (audit.archive).
/// </summary>
internal static class ComplianceFields
{
    public static void AddQueries(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ResidencyReportGraphType>>("residencyReport")
            .Description("Every resource of the tenant that existed in [from, to): where it ran, the chain's record of its placement, and its flags (residency.read).")
            .Argument<StringGraphType>("tenant", "The tenant (a tenant's own callers may leave it out).")
            .Argument<DateTimeOffsetGraphType>("from")
            .Argument<DateTimeOffsetGraphType>("to")
            .ResolveAsync(async c => (await c.RequestServices!.GetRequiredService<ResidencyReports>().ReportAsync(c.Require(Permission.ResidencyRead),
                c.GetArgument<string?>("tenant"), c.GetArgument<DateTimeOffset?>("from"), c.GetArgument<DateTimeOffset?>("to"), c.CancellationToken)).Answer().ToResponse());

        query.Field<NonNullGraphType<RetentionStatusGraphType>>("auditRetention")
            .Description("The retention policies, every archive and deletion, and the entry the hot log continues from (audit.read or audit.archive).")
            .ResolveAsync(async c => (await Retention(c).StatusAsync(AuditCaller(c), c.CancellationToken)).Answer().ToResponse());

        query.Field<AuditArchiveGraphType>("auditArchive")
            .Description("One archive or deletion, or null (audit.read or audit.archive).")
            .Argument<NonNullGraphType<LongGraphType>>("id")
            .ResolveAsync(async c => (await Retention(c).GetAsync(AuditCaller(c), c.GetArgument<long>("id"), c.CancellationToken)).AnswerOrNull()?.ToResponse(AuditPolicy(c)));
    }

    /// <summary>
    /// Archiving and deleting old audit entries (audit.archive), as <c>POST /api/v1/audit/archives</c> and <c>DELETE
    /// /api/v1/audit/entries</c>: a missing or future 'before' is BAD_USER_INPUT naming it, nothing to remove or a deletion
    /// within retention CONFLICT.
    /// </summary>
    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<AuditArchiveGraphType>>("createAuditArchive")
            .Description("Archives the oldest whole anchored batches whose entries are all before 'before' to a file and removes them from the hot store; their roots stay on chain (audit.archive).")
            .Argument<DateTimeOffsetGraphType>("before", "The cut-off (ISO 8601), not in the future.")
            .ResolveAsync(async c => (await Retention(c).ArchiveAsync(c.Require(Permission.AuditArchive), c.GetArgument<DateTimeOffset?>("before"), c.CancellationToken))
                .Answer().ToResponse(AuditPolicy(c)));

        mutation.Field<NonNullGraphType<AuditArchiveGraphType>>("deleteAuditEntries")
            .Description("Deletes for good the oldest whole batches before 'before'; refused (CONFLICT) unless their retention (7 years by default) has ended (audit.archive).")
            .Argument<DateTimeOffsetGraphType>("before", "The cut-off (ISO 8601): at least the retention period ago.")
            .ResolveAsync(async c => (await Retention(c).DeleteAsync(c.Require(Permission.AuditArchive), c.GetArgument<DateTimeOffset?>("before"), c.CancellationToken))
                .Answer().ToResponse(AuditPolicy(c)));
    }

    private static AuditRetention Retention(IResolveFieldContext c) => c.RequestServices!.GetRequiredService<AuditRetention>();

    private static RetentionPolicy AuditPolicy(IResolveFieldContext c) =>
        RetentionPolicy.From(c.RequestServices!.GetRequiredService<IOptions<RetentionOptions>>().Value).Single(p => p.Kind == RetentionRecordKind.AuditEntries);

    // An operator archives without reading the log: either permission lets the caller through to Core, which checks which.
    private static Core.Access.Caller AuditCaller(IResolveFieldContext c) =>
        c.Caller() is { } caller && caller.HasAny(Permission.AuditArchive) ? caller : c.Require(Permission.AuditRead);
}
