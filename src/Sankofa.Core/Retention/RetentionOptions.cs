namespace Sankofa.Core.Retention;

/// <summary>How long each kind of record is kept, and where audit archives go (configuration section <c>Retention</c>).</summary>
public sealed class RetentionOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Retention";

    /// <summary>
    /// Years an audit entry is kept from its time, in the hot store or in an archive: 7 by default (the SOC 2 / ISO 27001
    /// evidence horizon the architecture promises). Nothing younger may be deleted; archiving moves entries, it deletes none.
    /// </summary>
    public int AuditEntryYears { get; set; } = 7;

    /// <summary>Where archive files are written; empty: <c>&lt;DataDirectory&gt;/audit-archives</c>. Replicas must share it.</summary>
    public string? ArchiveDirectory { get; set; }

    /// <summary>Most entries one archive takes; a larger cut-off is archived in several runs (each archive file stays readable in memory).</summary>
    public int MaxEntriesPerArchive { get; set; } = 100_000;
}
