namespace Sankofa.Core.Audit;

/// <summary>Validates mutations and stores them as audit entries, stamping time from the injected clock.</summary>
/// <param name="store">Where entries go.</param>
/// <param name="time">The clock; entries carry millisecond precision because the hash does.</param>
public sealed class AuditLog(IAuditStore store, TimeProvider time) : IAuditLog
{
    /// <inheritdoc />
    public async Task<AuditEntry> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
        => (await AppendManyAsync([auditEvent], cancellationToken).ConfigureAwait(false))[0];

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> AppendManyAsync(IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvents);
        var now = StoredInstant.Of(time.GetUtcNow());
        var entries = new NewAuditEntry[auditEvents.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var e = auditEvents[i];
            var errors = AuditEventRules.Validate(e);
            if (errors.Count > 0)
            {
                throw new AuditValidationException(errors);
            }

            entries[i] = new NewAuditEntry(now, e.Actor, e.Action, e.Subject, e.Payload, AuditHashing.PayloadHash(e.Payload));
        }

        return store.AppendAsync(entries, cancellationToken);
    }
}
