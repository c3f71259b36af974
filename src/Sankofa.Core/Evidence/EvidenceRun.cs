using Sankofa.Core.Audit;

namespace Sankofa.Core.Evidence;

/// <summary>A stored evidence run: its period, its package's hash and the audit entry that anchors that hash.</summary>
/// <param name="Id">Run number, from 1 across all periods.</param>
/// <param name="Attempt">1 for a period's first run; a rerun of the same period takes the next.</param>
/// <param name="From">Start of the period.</param>
/// <param name="To">End of the period (exclusive).</param>
/// <param name="CreatedAt">When it ran.</param>
/// <param name="CreatedBy">The identity that started it.</param>
/// <param name="PackageSha256">SHA-256 of the package's canonical JSON, as the audit entry records it.</param>
/// <param name="AuditEntryId">The <c>compliance.evidence.recorded</c> entry carrying that hash.</param>
/// <param name="Summary">How many controls got each verdict.</param>
public sealed record EvidenceRun(
    long Id, int Attempt, DateTimeOffset From, DateTimeOffset To, DateTimeOffset CreatedAt, string CreatedBy, byte[] PackageSha256, long AuditEntryId,
    EvidenceSummary Summary);

/// <summary>How many controls got each verdict.</summary>
/// <param name="Pass">Controls passed.</param>
/// <param name="Fail">Controls failed.</param>
/// <param name="NotApplicable">Controls with nothing to apply to in the period.</param>
/// <param name="Manual">Controls without automated evidence.</param>
public sealed record EvidenceSummary(int Pass, int Fail, int NotApplicable, int Manual)
{
    /// <summary>Counts the verdicts of <paramref name="controls"/>.</summary>
    public static EvidenceSummary Of(IReadOnlyCollection<ControlResult> controls)
    {
        ArgumentNullException.ThrowIfNull(controls);
        return new(
            controls.Count(c => c.Verdict == EvidenceVerdict.Pass), controls.Count(c => c.Verdict == EvidenceVerdict.Fail),
            controls.Count(c => c.Verdict == EvidenceVerdict.NotApplicable), controls.Count(c => c.Verdict == EvidenceVerdict.Manual));
    }
}

/// <summary>What an evidence run found: its identity, period, and every control's and collector's result.</summary>
/// <param name="Run">Run number.</param>
/// <param name="Attempt">Attempt for the period.</param>
/// <param name="From">Start of the period.</param>
/// <param name="To">End of the period (exclusive).</param>
/// <param name="GeneratedAt">When the evidence was collected.</param>
/// <param name="GeneratedBy">Who started the run.</param>
/// <param name="Controls">Every control of <see cref="ControlCatalog"/>, in its order.</param>
/// <param name="Collectors">Every collector's result, in <see cref="EvidenceCollectors.Collect"/> order.</param>
public sealed record EvidencePackage(
    long Run, int Attempt, DateTimeOffset From, DateTimeOffset To, DateTimeOffset GeneratedAt, string GeneratedBy,
    IReadOnlyList<ControlResult> Controls, IReadOnlyList<CollectorResult> Collectors)
{
    /// <summary>How many controls got each verdict.</summary>
    public EvidenceSummary Summary => EvidenceSummary.Of([.. Controls]);
}

/// <summary>A page of runs, newest first.</summary>
/// <param name="Items">The runs.</param>
/// <param name="NextBefore">Pass as <c>before</c> for the next page; null on the last.</param>
public sealed record EvidenceRunPage(IReadOnlyList<EvidenceRun> Items, long? NextBefore);

/// <summary>What the store writes for a new run, built once the store assigned its number and attempt.</summary>
/// <param name="Package">The package's canonical JSON.</param>
/// <param name="PackageSha256">Its SHA-256.</param>
/// <param name="Report">The PDF report.</param>
/// <param name="Summary">The verdicts counted.</param>
/// <param name="CreatedAt">When it ran.</param>
/// <param name="CreatedBy">Who started it.</param>
/// <param name="Audit">The <c>compliance.evidence.recorded</c> entry, appended in the same transaction.</param>
public sealed record EvidenceRunContent(byte[] Package, byte[] PackageSha256, byte[] Report, EvidenceSummary Summary, DateTimeOffset CreatedAt, string CreatedBy, AuditEvent Audit);

/// <summary>The store of evidence runs, and the audit log's counts a run reads.</summary>
public interface IEvidenceStore
{
    /// <summary>The audit entries recorded in [<paramref name="from"/>, <paramref name="to"/>), counted by action, with the batches sealing them.</summary>
    Task<AuditPeriodFacts> ReadAuditAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>The latest attempt of a period, or null.</summary>
    Task<EvidenceRun?> FindLatestAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: assigns the next run number and the period's next attempt, calls <paramref name="build"/> with
    /// them, stores the run with its package and report and appends its audit entry. A lost race is a
    /// <see cref="StoreConflictException"/>.
    /// </summary>
    Task<EvidenceRun> AddAsync(DateTimeOffset from, DateTimeOffset to, Func<long, int, EvidenceRunContent> build, CancellationToken cancellationToken);

    /// <summary>Runs newest first, below <paramref name="before"/> when given.</summary>
    Task<EvidenceRunPage> ListAsync(long? before, int limit, CancellationToken cancellationToken);

    /// <summary>One run, or null.</summary>
    Task<EvidenceRun?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>A run's package bytes, or null.</summary>
    Task<byte[]?> GetPackageAsync(long id, CancellationToken cancellationToken);

    /// <summary>A run's PDF report, or null.</summary>
    Task<byte[]?> GetReportAsync(long id, CancellationToken cancellationToken);
}

/// <summary>Renders a package as a PDF report (the server's PDFsharp document).</summary>
public interface IEvidenceReportRenderer
{
    /// <summary>The report of <paramref name="package"/>, whose canonical JSON hashes to <paramref name="packageSha256"/>.</summary>
    byte[] Render(EvidencePackage package, byte[] packageSha256);
}
