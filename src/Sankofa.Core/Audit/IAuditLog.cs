namespace Sankofa.Core.Audit;

/// <summary>
/// Records control-plane mutations. Features call it inside their own store transaction so the entry and
/// the mutation commit together; the sealer chains and batches entries afterwards.
/// </summary>
public interface IAuditLog
{
    /// <summary>Records one mutation and returns the stored (not yet sealed) entry.</summary>
    Task<AuditEntry> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken);

    /// <summary>Records several mutations in one transaction, in order.</summary>
    Task<IReadOnlyList<AuditEntry>> AppendManyAsync(IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken);
}
