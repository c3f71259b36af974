using Sankofa.Core.Audit;

namespace Sankofa.Core.Tests.Identity.Fakes;

/// <summary>The audit log port in memory: every event appended, in order; it can be told to fail, as a database that is away.</summary>
internal sealed class InMemoryAuditLog : IAuditLog
{
    private readonly List<AuditEvent> events = [];

    public IReadOnlyList<AuditEvent> Events => events;

    public Exception? Failure { get; set; }

    public Task<AuditEntry> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (Failure is { } failure)
        {
            throw failure;
        }

        events.Add(auditEvent);
        return Task.FromResult(new AuditEntry(events.Count, DateTimeOffset.UnixEpoch, auditEvent.Actor, auditEvent.Action, auditEvent.Subject, [], auditEvent.Payload, null));
    }

    public async Task<IReadOnlyList<AuditEntry>> AppendManyAsync(IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvents);
        var entries = new List<AuditEntry>();
        foreach (var auditEvent in auditEvents)
        {
            entries.Add(await AppendAsync(auditEvent, cancellationToken));
        }

        return entries;
    }
}
