namespace Sankofa.Core.Retention;

/// <summary>The retention policies in force and what has left the hot audit log.</summary>
/// <param name="Policies">Retention per record kind.</param>
/// <param name="Removals">Archives and deletions, oldest first.</param>
/// <param name="HotLogStartsAfter">The last entry removed, with its proof: the hot log's first entry must link to it; <c>null</c> when nothing was removed.</param>
public sealed record RetentionStatus(IReadOnlyList<RetentionPolicy> Policies, IReadOnlyList<AuditRemoval> Removals, AuditBoundary? HotLogStartsAfter);
