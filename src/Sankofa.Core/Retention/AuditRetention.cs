using System.Globalization;
using System.Text.Json;
using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Identity;

namespace Sankofa.Core.Retention;

/// <summary>
/// Retention of the audit log: archives old entries to files (with their proofs, so they still verify against the chain)
/// and removes them from the hot store, and deletes entries only once their retention ended. Every REST, CLI and
/// portal call goes through here, which checks the caller once.
/// </summary>
/// <param name="store">The hot store's removals.</param>
/// <param name="files">Where archives are written.</param>
/// <param name="options">Retention periods and archive limits.</param>
/// <param name="time">The clock.</param>
public sealed class AuditRetention(IAuditRetentionStore store, IAuditArchiveFiles files, RetentionOptions options, TimeProvider time)
{
    /// <summary>The policies, the removals so far, and where the hot log begins.</summary>
    public async Task<Result<RetentionStatus>> StatusAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Can(Permission.AuditRead, null) && !caller.Can(Permission.AuditArchive, null))
        {
            return AccessErrors.Forbidden(Permission.AuditRead);
        }

        var removals = await store.ListRemovalsAsync(cancellationToken).ConfigureAwait(false);
        return Result<RetentionStatus>.Ok(new RetentionStatus(RetentionPolicy.From(options), removals, removals.Count == 0 ? null : removals[^1].Last));
    }

    /// <summary>One removal (an archive or a deletion).</summary>
    public async Task<Result<AuditRemoval>> GetAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        var status = await StatusAsync(caller, cancellationToken).ConfigureAwait(false);
        if (status.Error is { } error)
        {
            return error;
        }

        return status.Value!.Removals.FirstOrDefault(r => r.Id == id) is { } removal
            ? Result<AuditRemoval>.Ok(removal)
            : Error.NotFound("id", $"There is no audit archive with id {id}.");
    }

    /// <summary>Opens an archive's file; the caller disposes the stream.</summary>
    public async Task<Result<Stream>> OpenFileAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        var found = await GetAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (found.Error is { } error)
        {
            return error;
        }

        if (found.Value!.FileName is not { } name)
        {
            return Error.NotFound("id", $"Removal {id} deleted entries whose retention had ended; it has no archive file.");
        }

        return files.OpenRead(name) is { } stream
            ? Result<Stream>.Ok(stream)
            : Error.NotFound("id", $"The file of archive {id} ({name}) is no longer in the archive directory.");
    }

    /// <summary>
    /// Archives the oldest whole anchored batches whose entries are all older than <paramref name="before"/>: writes
    /// them to a file, then removes them from the hot store. Allowed at any past cut-off: nothing is deleted.
    /// </summary>
    public async Task<Result<AuditRemoval>> ArchiveAsync(Caller caller, DateTimeOffset? before, CancellationToken cancellationToken)
    {
        if (Check(caller, before) is { } refused)
        {
            return refused;
        }

        var plan = await store.PlanRemovalAsync(before!.Value, options.MaxEntriesPerArchive, cancellationToken).ConfigureAwait(false);
        if (plan is null)
        {
            return Nothing(before.Value);
        }

        var now = StoredInstant.Of(time.GetUtcNow()); // as the store keeps it: the answer equals later reads
        var archive = new AuditArchive(plan.NextId, now, before.Value, plan.Previous, plan.Batches, plan.Entries);
        var (fileName, sha256) = await files.WriteAsync(archive, cancellationToken).ConfigureAwait(false);
        var removal = RemovalOf(plan, AuditRemovalKind.Archived, now, before.Value, fileName, sha256);
        await store.CommitRemovalAsync(removal, AuditEventOf(caller, removal), cancellationToken).ConfigureAwait(false);
        return Result<AuditRemoval>.Ok(removal);
    }

    /// <summary>
    /// Deletes for good the oldest whole batches whose entries are all older than <paramref name="before"/>, which must be
    /// at least the retention period ago: deleting anything younger is refused, naming the date until which it is kept.
    /// </summary>
    public async Task<Result<AuditRemoval>> DeleteAsync(Caller caller, DateTimeOffset? before, CancellationToken cancellationToken)
    {
        if (Check(caller, before) is { } refused)
        {
            return refused;
        }

        var now = StoredInstant.Of(time.GetUtcNow()); // as the store keeps it: the answer equals later reads
        var policy = RetentionPolicy.From(options).Single(p => p.Kind == RetentionRecordKind.AuditEntries);
        if (RefuseDeletion(policy, before!.Value, now) is { } retained)
        {
            return retained;
        }

        var plan = await store.PlanRemovalAsync(before.Value, options.MaxEntriesPerArchive, cancellationToken).ConfigureAwait(false);
        if (plan is null)
        {
            return Nothing(before.Value);
        }

        var removal = RemovalOf(plan, AuditRemovalKind.Deleted, now, before.Value, null, null);
        await store.CommitRemovalAsync(removal, AuditEventOf(caller, removal), cancellationToken).ConfigureAwait(false);
        return Result<AuditRemoval>.Ok(removal);
    }

    /// <summary>The retention rule: records younger than the policy's period may not be deleted; the refusal says until when they are kept.</summary>
    public static Error? RefuseDeletion(RetentionPolicy policy, DateTimeOffset before, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var deletable = policy.DeletableBefore(now);
        if (before <= deletable)
        {
            return null;
        }

        var message = string.Create(CultureInfo.InvariantCulture,
            $"Audit entries are retained for {policy.Years} years: only entries before {deletable:yyyy-MM-ddTHH:mm:ssZ} may be deleted now. " +
            $"An entry from just before {before.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ} is retained until {policy.RetainedUntil(before).ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}; archive it instead (POST /api/v1/audit/archives).");
        return new Error(ErrorKind.Conflict, message, new Dictionary<string, string[]> { ["before"] = [message] });
    }

    private Error? Check(Caller caller, DateTimeOffset? before)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Can(Permission.AuditArchive, null))
        {
            return AccessErrors.Forbidden(Permission.AuditArchive);
        }

        if (before is null)
        {
            return Error.Invalid(new Dictionary<string, string[]> { ["before"] = ["Required: the cut-off time (ISO 8601); only entries older than it are removed."] });
        }

        return before > time.GetUtcNow()
            ? Error.Invalid(new Dictionary<string, string[]> { ["before"] = ["Must not be in the future."] })
            : null;
    }

    private static Error Nothing(DateTimeOffset before) => Error.Conflict("before",
        string.Create(CultureInfo.InvariantCulture, $"No whole batch of the hot log is anchored on chain with all its entries before {before.ToUniversalTime():yyyy-MM-ddTHH:mm:ss.fffZ}: nothing to remove."));

    private static AuditRemoval RemovalOf(AuditRemovalPlan plan, AuditRemovalKind kind, DateTimeOffset now, DateTimeOffset before, string? fileName, byte[]? sha256) => new(
        plan.NextId, kind, now, before, plan.Batches[0].Id, plan.Batches[^1].Id,
        plan.Entries[0].Seal!.Sequence, plan.Entries[^1].Seal!.Sequence,
        plan.Entries.Min(e => e.Time), plan.Entries.Max(e => e.Time), AuditBoundary.Of(plan.Entries[^1]), fileName, sha256);

    private static AuditEvent AuditEventOf(Caller caller, AuditRemoval removal) => new(
        caller.Id,
        removal.Kind == AuditRemovalKind.Archived ? "audit.archived" : "audit.deleted",
        "audit-archive:" + removal.Id.ToString(CultureInfo.InvariantCulture),
        JsonSerializer.Serialize(new
        {
            archive = removal.Id,
            before = removal.Before.ToUniversalTime(),
            firstSequence = removal.FirstSequence,
            lastSequence = removal.LastSequence,
            firstBatch = removal.FirstBatch,
            lastBatch = removal.LastBatch,
            lastHash = "0x" + Convert.ToHexStringLower(removal.Last.Hash),
            fileSha256 = removal.FileSha256 is { } h ? "0x" + Convert.ToHexStringLower(h) : null,
        }));
}
