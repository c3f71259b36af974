namespace Sankofa.Data.Audit;

/// <summary>Table row of an audit entry. Times are stored as Unix milliseconds: exact, and ordered the same in SQLite and PostgreSQL.</summary>
internal sealed class AuditEntryRow
{
    public long Id { get; set; }
    public long TimeMs { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Subject { get; set; }
    public string? Payload { get; set; }
    public required byte[] PayloadHash { get; set; }
    public long? Sequence { get; set; }
    public byte[]? PreviousHash { get; set; }
    public byte[]? Hash { get; set; }
    public long? BatchId { get; set; }
    public int? LeafIndex { get; set; }
    public byte[]? Proof { get; set; }

    /// <summary>The row of a new, not yet sealed entry.</summary>
    public static AuditEntryRow From(Core.Audit.NewAuditEntry entry) => new()
    {
        TimeMs = entry.Time.ToUnixTimeMilliseconds(), Actor = entry.Actor, Action = entry.Action, Subject = entry.Subject,
        Payload = entry.Payload, PayloadHash = entry.PayloadHash,
    };
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
