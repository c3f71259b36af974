namespace Sankofa.Data.Audit;

/// <summary>
/// Table row of an audit entry, written once and never updated. Times are stored as Unix milliseconds: exact, and ordered
/// the same in SQLite and PostgreSQL.
/// </summary>
internal sealed class AuditEntryRow
{
    public long Id { get; set; }
    public long TimeMs { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Subject { get; set; }
    public string? Payload { get; set; }
    public required byte[] PayloadHash { get; set; }

    /// <summary>Where the entry sits in the hash chain and its batch; <c>null</c> until the sealer gets to it.</summary>
    public AuditSealRow? Seal { get; set; }

    /// <summary>The row of a new, not yet sealed entry.</summary>
    public static AuditEntryRow From(Core.Audit.NewAuditEntry entry) => new()
    {
        TimeMs = entry.Time.ToUnixTimeMilliseconds(), Actor = entry.Actor, Action = entry.Action, Subject = entry.Subject,
        Payload = entry.Payload, PayloadHash = entry.PayloadHash,
    };
}

/// <summary>
/// Table row of an entry's seal, in a table of its own so that sealing inserts rows instead of updating entries: an update
/// that changes indexed columns writes a new version of the whole row into the table and every one of its indexes.
/// </summary>
internal sealed class AuditSealRow
{
    public long EntryId { get; set; }
    public long Sequence { get; set; }
    public required byte[] PreviousHash { get; set; }
    public required byte[] Hash { get; set; }
    public long BatchId { get; set; }
    public int LeafIndex { get; set; }
    public required byte[] Proof { get; set; }
    public AuditEntryRow Entry { get; set; } = null!;
}

/// <summary>
/// Table row of the sealer's queue on PostgreSQL: one per entry not sealed yet, added by a database trigger on every
/// insert into <c>audit_entries</c> (whoever writes the entry) and deleted by the sealer in the transaction that seals
/// it. SQLite needs no queue (its entries commit in id order) and keeps this table empty.
/// </summary>
internal sealed class AuditUnsealedRow
{
    public long EntryId { get; set; }
}

/// <summary>Table row of a Merkle batch and its anchor.</summary>
internal sealed class AuditBatchRow
{
    public long Id { get; set; }
    public required byte[] Root { get; set; }
    public long FirstSequence { get; set; }
    public int Count { get; set; }
    public long SealedAtMs { get; set; }
    public string? AnchorTransaction { get; set; }
    public long? AnchorBlock { get; set; }
    public long? AnchoredAtMs { get; set; }
}
