using Sankofa.Core.Audit;

namespace Sankofa.Core.Retention;

/// <summary>The store's side of retention: what may leave the hot audit log, and the record of what left.</summary>
public interface IAuditRetentionStore
{
    /// <summary>
    /// The oldest whole batches still in the hot store whose entries are all older than <paramref name="before"/> and
    /// whose roots are on chain, consecutive from the first, with at most <paramref name="maxEntries"/> entries (at least
    /// one batch when any qualifies); <c>null</c> when none qualifies.
    /// </summary>
    Task<AuditRemovalPlan?> PlanRemovalAsync(DateTimeOffset before, int maxEntries, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: removes the entries of <paramref name="removal"/> from the hot store, records the removal and
    /// appends <paramref name="audit"/> to the log. A <see cref="StoreConflictException"/> when the hot log no longer
    /// starts where the removal does (another removal ran meanwhile).
    /// </summary>
    Task CommitRemovalAsync(AuditRemoval removal, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>Every removal, oldest first.</summary>
    Task<IReadOnlyList<AuditRemoval>> ListRemovalsAsync(CancellationToken cancellationToken);
}

/// <summary>Where archive files are kept.</summary>
public interface IAuditArchiveFiles
{
    /// <summary>Writes the archive durably (a reader never sees half a file) and returns its file name and SHA-256.</summary>
    Task<(string FileName, byte[] Sha256)> WriteAsync(AuditArchive archive, CancellationToken cancellationToken);

    /// <summary>Opens an archive file for reading, or <c>null</c> when it is not there.</summary>
    Stream? OpenRead(string fileName);
}
