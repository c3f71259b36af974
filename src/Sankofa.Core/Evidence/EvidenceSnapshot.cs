using Sankofa.Core.Audit;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Ledger;
using Sankofa.Core.Retention;

namespace Sankofa.Core.Evidence;

/// <summary>
/// Everything the collectors look at for one period, read once from the store and the chain; the collectors are pure
/// functions of it, so their verdicts are tested without infrastructure.
/// </summary>
/// <param name="From">Start of the period.</param>
/// <param name="To">End of the period (exclusive).</param>
/// <param name="Audit">The audit log's entries of the period, counted.</param>
/// <param name="ChainRoots">The roots the chain holds for <see cref="AuditPeriodFacts.Batches"/>, read from AuditAnchor.</param>
/// <param name="Accounts">Every identity now (the registry is a state, not a history: its changes are in the audit log).</param>
/// <param name="Board">The governance board on chain, or null when the contracts are not governed by one.</param>
/// <param name="Proposals">The board's latest proposals (at most 100).</param>
/// <param name="RetentionYears">Years audit entries are kept.</param>
/// <param name="Removals">Every archive and deletion of audit entries so far.</param>
/// <param name="Options">Thresholds the collectors apply.</param>
public sealed record EvidenceSnapshot(
    DateTimeOffset From, DateTimeOffset To, AuditPeriodFacts Audit, IReadOnlyDictionary<long, OnChainRoot> ChainRoots,
    IReadOnlyList<StoredAccount> Accounts, GovernanceBoard? Board, IReadOnlyList<GovernanceProposal> Proposals,
    int RetentionYears, IReadOnlyList<AuditRemoval> Removals, EvidenceOptions Options);

/// <summary>The audit log's entries recorded in a period, as the store counts them.</summary>
/// <param name="Entries">Entries recorded in the period (still in the hot store).</param>
/// <param name="Unsealed">Of those, entries not yet sealed into a batch.</param>
/// <param name="ByAction">Entries per action (<c>identity.role.granted</c> → 3).</param>
/// <param name="Batches">The batches holding the period's sealed entries, with their stored roots and anchors.</param>
public sealed record AuditPeriodFacts(long Entries, long Unsealed, IReadOnlyDictionary<string, long> ByAction, IReadOnlyList<AuditBatch> Batches)
{
    /// <summary>Entries of <paramref name="action"/> in the period.</summary>
    public long Count(string action) => ByAction.GetValueOrDefault(action);

    /// <summary>Entries whose action starts with <paramref name="prefix"/>.</summary>
    public long CountPrefixed(string prefix) => ByAction.Where(a => a.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(a => a.Value);
}

/// <summary>Thresholds of control evidence (<c>Evidence:*</c>).</summary>
public sealed class EvidenceOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Evidence";

    /// <summary>
    /// Most active identities that may hold <c>platform-admin</c> before privileged-access fails: every administrator
    /// beyond a handful is a standing privilege an access review must justify.
    /// </summary>
    public int MaxPlatformAdministrators { get; set; } = 5;
}
