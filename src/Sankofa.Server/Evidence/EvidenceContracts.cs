using Sankofa.Core.Evidence;

namespace Sankofa.Server.Evidence;

/// <summary>Body of <c>POST /api/v1/compliance/evidence-runs</c>: both ends or neither (the previous calendar month, UTC).</summary>
/// <param name="From">Start of the period (ISO 8601).</param>
/// <param name="To">End of the period, exclusive; not in the future.</param>
/// <param name="Rerun">True: a new attempt even when the period was run before (else the existing run is answered).</param>
public sealed record EvidenceRunBody(DateTimeOffset? From, DateTimeOffset? To, bool? Rerun);

/// <summary>An evidence run.</summary>
/// <param name="Id">Run number.</param>
/// <param name="Attempt">Attempt for its period (1 unless rerun).</param>
/// <param name="From">Start of the period.</param>
/// <param name="To">End of the period, exclusive.</param>
/// <param name="CreatedAt">When it ran.</param>
/// <param name="CreatedBy">Who started it.</param>
/// <param name="PackageSha256">SHA-256 of the package's bytes (0x, lower-case hex), as the anchoring audit entry records it.</param>
/// <param name="AuditEntryId">The <c>compliance.evidence.recorded</c> audit entry; verify it with <c>sankofa audit verify ID</c>.</param>
/// <param name="Summary">Controls per verdict.</param>
/// <param name="Package">Where the package (canonical JSON) is downloaded.</param>
/// <param name="Report">Where the PDF report is downloaded.</param>
public sealed record EvidenceRunResponse(
    long Id, int Attempt, DateTimeOffset From, DateTimeOffset To, DateTimeOffset CreatedAt, string CreatedBy, string PackageSha256, long AuditEntryId,
    EvidenceSummaryResponse Summary, string Package, string Report);

/// <summary>How many controls got each verdict.</summary>
/// <param name="Pass">Passed.</param>
/// <param name="Fail">Failed.</param>
/// <param name="NotApplicable">Nothing to apply to in the period.</param>
/// <param name="Manual">No automated evidence.</param>
public sealed record EvidenceSummaryResponse(int Pass, int Fail, int NotApplicable, int Manual);

/// <summary>A page of runs, newest first.</summary>
/// <param name="Items">The runs.</param>
/// <param name="Next">Pass as <c>before</c> for the next page; null on the last.</param>
public sealed record EvidenceRunPageResponse(IReadOnlyList<EvidenceRunResponse> Items, long? Next);

/// <summary>Maps runs to API shapes.</summary>
internal static class EvidenceMapping
{
    public static EvidenceRunResponse ToResponse(this EvidenceRun r) => new(
        r.Id, r.Attempt, r.From, r.To, r.CreatedAt, r.CreatedBy, "0x" + Convert.ToHexStringLower(r.PackageSha256), r.AuditEntryId,
        new EvidenceSummaryResponse(r.Summary.Pass, r.Summary.Fail, r.Summary.NotApplicable, r.Summary.Manual),
        $"/api/v1/compliance/evidence-runs/{r.Id}/package", $"/api/v1/compliance/evidence-runs/{r.Id}/report");

    public static EvidenceRunPageResponse ToResponse(this EvidenceRunPage page) => new([.. page.Items.Select(ToResponse)], page.NextBefore);
}
