using GraphQL;
using GraphQL.Types;
using Sankofa.Core.Access;
using Sankofa.Core.Evidence;
using Sankofa.Server.Evidence;

namespace Sankofa.Server.GraphQL;

/// <summary>A control-evidence run, as <c>GET /api/v1/compliance/evidence-runs/{id}</c> answers it.</summary>
public sealed class EvidenceRunGraphType : ObjectGraphType<EvidenceRunResponse>
{
    /// <summary>Declares the fields.</summary>
    public EvidenceRunGraphType()
    {
        Name = "EvidenceRun";
        Field(x => x.Id);
        Field(x => x.Attempt).Description("1 unless the period was run again.");
        Field(x => x.From).Description("Start of the period.");
        Field(x => x.To).Description("End of the period, exclusive.");
        Field(x => x.CreatedAt);
        Field(x => x.CreatedBy);
        Field(x => x.PackageSha256).Description("SHA-256 of the package's canonical JSON, anchored through the audit entry.");
        Field(x => x.AuditEntryId).Description("The compliance.evidence.recorded audit entry.");
        Field<NonNullGraphType<IntGraphType>>("pass").Resolve(c => c.Source.Summary.Pass);
        Field<NonNullGraphType<IntGraphType>>("fail").Resolve(c => c.Source.Summary.Fail);
        Field<NonNullGraphType<IntGraphType>>("notApplicable").Resolve(c => c.Source.Summary.NotApplicable);
        Field<NonNullGraphType<IntGraphType>>("manual").Resolve(c => c.Source.Summary.Manual);
        Field(x => x.Package).Description("Where the package is downloaded (REST).");
        Field(x => x.Report).Description("Where the PDF report is downloaded (REST).");
    }
}

/// <summary>The root query's control-evidence fields (evidence.read, platform-wide).</summary>
internal static class EvidenceFields
{
    public static void AddQueries(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<EvidenceRunGraphType>>>>("evidenceRuns")
            .Description("Control-evidence runs, newest first (evidence.read), paged with 'before' (a run id) and 'first'.")
            .Argument<LongGraphType>("before")
            .Argument<IntGraphType>("first", "Page size, 1 to 100 (default 20).")
            .ResolveAsync(async c => (await c.RequestServices!.GetRequiredService<EvidenceRuns>().ListAsync(c.Require(Permission.EvidenceRead), c.GetArgument<long?>("before"),
                c.GetArgument<int?>("first"), c.CancellationToken)).Answer().Items.Select(r => r.ToResponse()).ToList());

        query.Field<EvidenceRunGraphType>("evidenceRun")
            .Description("One control-evidence run (evidence.read); null when there is none.")
            .Argument<NonNullGraphType<LongGraphType>>("id")
            .ResolveAsync(async c => (await c.RequestServices!.GetRequiredService<EvidenceRuns>().GetAsync(c.Require(Permission.EvidenceRead), c.GetArgument<long>("id"),
                c.CancellationToken)).AnswerOrNull()?.ToResponse());
    }
}
