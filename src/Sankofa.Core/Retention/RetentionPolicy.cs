namespace Sankofa.Core.Retention;

/// <summary>Kinds of records a retention policy governs.</summary>
public enum RetentionRecordKind
{
    /// <summary>Audit log entries (hot or archived).</summary>
    AuditEntries,
}

/// <summary>How long one kind of record is kept.</summary>
/// <param name="Kind">The records it governs.</param>
/// <param name="Years">Calendar years from the record's own time.</param>
public sealed record RetentionPolicy(RetentionRecordKind Kind, int Years)
{
    /// <summary>The end of retention of a record made at <paramref name="recordTime"/>: it may be deleted from then on.</summary>
    public DateTimeOffset RetainedUntil(DateTimeOffset recordTime) => recordTime.AddYears(Years);

    /// <summary>The latest record time that may be deleted at <paramref name="now"/>: records strictly before it.</summary>
    public DateTimeOffset DeletableBefore(DateTimeOffset now) => now.AddYears(-Years);

    /// <summary>The policies in force.</summary>
    public static IReadOnlyList<RetentionPolicy> From(RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return [new RetentionPolicy(RetentionRecordKind.AuditEntries, options.AuditEntryYears)];
    }
}
