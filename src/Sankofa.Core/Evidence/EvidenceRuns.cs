using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Ledger;
using Sankofa.Core.Retention;

namespace Sankofa.Core.Evidence;

/// <summary>A run as <see cref="EvidenceRuns.RunAsync"/> answers it.</summary>
/// <param name="Run">The run.</param>
/// <param name="Created">False when the period's run existed already and is returned as it is.</param>
public sealed record EvidenceRunOutcome(EvidenceRun Run, bool Created);

/// <summary>
/// Control evidence (docs/compliance.md, "Control evidence"): runs every collector over a period, builds the package's
/// canonical JSON and PDF report, stores them and anchors the package's hash through an audit entry. Every REST, CLI,
/// GraphQL and portal call goes through here, which checks the caller once.
/// </summary>
/// <param name="store">Runs, and the audit log's counts.</param>
/// <param name="anchors">The roots on chain.</param>
/// <param name="accounts">The identity registry.</param>
/// <param name="governance">The governance board on chain.</param>
/// <param name="retention">The audit log's archives and deletions.</param>
/// <param name="retentionOptions">The retention policy.</param>
/// <param name="options">The collectors' thresholds.</param>
/// <param name="renderer">The PDF report.</param>
/// <param name="time">The clock.</param>
public sealed class EvidenceRuns(
    IEvidenceStore store, IAuditAnchorLedger anchors, IAccountStore accounts, IGovernanceLedger governance, IAuditRetentionStore retention,
    RetentionOptions retentionOptions, EvidenceOptions options, IEvidenceReportRenderer renderer, TimeProvider time)
{
    /// <summary>Longest period one run covers.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    /// <summary>Largest page of runs.</summary>
    public const int MaxPageSize = 100;

    private const int RootsPerRead = 500;
    private const int AccountsPerPage = 500;

    /// <summary>
    /// The evidence of [<paramref name="from"/>, <paramref name="to"/>) (both null: the previous calendar month, UTC). A
    /// period already run answers its latest run unchanged (<see cref="EvidenceRunOutcome.Created"/> false), so a retried
    /// request never makes a second package; <paramref name="rerun"/> makes the period's next attempt instead.
    /// </summary>
    /// <exception cref="LedgerUnavailableException">The chain cannot be read.</exception>
    public async Task<Result<EvidenceRunOutcome>> RunAsync(Caller caller, DateTimeOffset? from, DateTimeOffset? to, bool rerun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Can(Permission.EvidenceRun, null))
        {
            return AccessErrors.Forbidden(Permission.EvidenceRun);
        }

        var now = time.GetUtcNow();
        if (Period(from, to, now) is not { } period)
        {
            return Error.Invalid(PeriodErrors(from, to, now));
        }

        var (start, end) = period;
        if (!rerun && await store.FindLatestAsync(start, end, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return Result<EvidenceRunOutcome>.Ok(new EvidenceRunOutcome(existing, Created: false));
        }

        var snapshot = await SnapshotAsync(start, end, cancellationToken).ConfigureAwait(false);
        var collectors = EvidenceCollectors.Collect(snapshot);
        var controls = ControlCatalog.Evaluate(collectors);
        var generatedAt = StoredInstant.Of(time.GetUtcNow());
        try
        {
            var run = await store.AddAsync(start, end, (id, attempt) =>
            {
                var package = new EvidencePackage(id, attempt, start, end, generatedAt, caller.Id, controls, collectors);
                var bytes = EvidenceEncoding.Package(package);
                var hash = EvidenceEncoding.Hash(bytes);
                return new EvidenceRunContent(bytes, hash, renderer.Render(package, hash), package.Summary, generatedAt, caller.Id,
                    new AuditEvent(caller.Id, EvidenceEncoding.Action, EvidenceEncoding.Subject(id), EvidenceEncoding.AnchorPayload(id, attempt, start, end, hash)));
            }, cancellationToken).ConfigureAwait(false);
            return Result<EvidenceRunOutcome>.Ok(new EvidenceRunOutcome(run, Created: true));
        }
        catch (StoreConflictException ex)
        {
            // Two requests for one period at once: the one that lost answers the winner's run (a rerun that lost is told so).
            return !rerun && await store.FindLatestAsync(start, end, cancellationToken).ConfigureAwait(false) is { } raced
                ? Result<EvidenceRunOutcome>.Ok(new EvidenceRunOutcome(raced, Created: false))
                : Error.Conflict("from", ex.Message);
        }
    }

    /// <summary>Runs newest first.</summary>
    public async Task<Result<EvidenceRunPage>> ListAsync(Caller caller, long? before, int? limit, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"Must be between 1 and {MaxPageSize}."];
        }

        if (before is < 1)
        {
            errors["before"] = ["Must be a positive run id (the 'next' value of the previous page)."];
        }

        return errors.Count > 0
            ? Error.Invalid(errors)
            : Result<EvidenceRunPage>.Ok(await store.ListAsync(before, limit ?? 20, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One run.</summary>
    public async Task<Result<EvidenceRun>> GetAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        return await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } run ? Result<EvidenceRun>.Ok(run) : NotFound(id);
    }

    /// <summary>A run's package: its canonical JSON, exactly the bytes whose hash is anchored.</summary>
    public async Task<Result<byte[]>> GetPackageAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        return await store.GetPackageAsync(id, cancellationToken).ConfigureAwait(false) is { } bytes ? Result<byte[]>.Ok(bytes) : NotFound(id);
    }

    /// <summary>A run's PDF report.</summary>
    public async Task<Result<byte[]>> GetReportAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        return await store.GetReportAsync(id, cancellationToken).ConfigureAwait(false) is { } bytes ? Result<byte[]>.Ok(bytes) : NotFound(id);
    }

    /// <summary>The period asked for, or the previous calendar month when neither end is given; null when it is not acceptable.</summary>
    internal static (DateTimeOffset From, DateTimeOffset To)? Period(DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset now)
    {
        if (from is null && to is null)
        {
            var month = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
            return (month.AddMonths(-1), month);
        }

        return PeriodErrors(from, to, now).Count == 0 ? (StoredInstant.Of(from!.Value), StoredInstant.Of(to!.Value)) : null;
    }

    private static Dictionary<string, string[]> PeriodErrors(DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (from is null)
        {
            errors["from"] = ["Required with 'to': the start of the period (ISO 8601); leave both out for the previous calendar month."];
        }

        if (to is null)
        {
            errors["to"] = ["Required with 'from': the end of the period, exclusive (ISO 8601); leave both out for the previous calendar month."];
        }
        else if (to > now)
        {
            errors["to"] = ["Must not be in the future: a period's evidence is collected once the period has ended."];
        }
        else if (from is not null && from >= to)
        {
            errors["to"] = ["Must be later than 'from'."];
        }
        else if (from is not null && to - from > MaxPeriod)
        {
            errors["to"] = [$"The period may be at most {MaxPeriod.TotalDays:0} days."];
        }

        return errors;
    }

    private async Task<EvidenceSnapshot> SnapshotAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var audit = await store.ReadAuditAsync(from, to, cancellationToken).ConfigureAwait(false);
        var roots = new Dictionary<long, OnChainRoot>();
        foreach (var chunk in audit.Batches.Where(b => b.Anchor is not null).Select(b => b.Id).Chunk(RootsPerRead))
        {
            foreach (var (id, root) in await anchors.GetRootsAsync(chunk, cancellationToken).ConfigureAwait(false))
            {
                roots[id] = root;
            }
        }

        var identities = new List<StoredAccount>();
        long? before = null;
        do
        {
            var page = await accounts.ListAsync(new AccountQuery(Before: before, Limit: AccountsPerPage), cancellationToken).ConfigureAwait(false);
            identities.AddRange(page.Items);
            before = page.NextBefore;
        }
        while (before is not null);

        var board = await governance.GetBoardAsync(cancellationToken).ConfigureAwait(false);
        var proposals = board is null ? [] : await governance.ListProposalsAsync(100, cancellationToken).ConfigureAwait(false);
        var removals = await retention.ListRemovalsAsync(cancellationToken).ConfigureAwait(false);
        return new EvidenceSnapshot(from, to, audit, roots, identities, board, proposals, retentionOptions.AuditEntryYears, removals, options);
    }

    private static Error? Refusal(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Can(Permission.EvidenceRead, null) ? null : AccessErrors.Forbidden(Permission.EvidenceRead);
    }

    private static Error NotFound(long id) => Error.NotFound("id", $"There is no evidence run {id}.");
}
