using System.Globalization;
using Sankofa.Core.Access;
using Sankofa.Core.Billing;
using Sankofa.Core.Identity;
using Sankofa.Core.PersonalData;
using Sankofa.Core.Retention;

namespace Sankofa.Core.Evidence;

/// <summary>
/// The automated evidence collectors: each reads the period's <see cref="EvidenceSnapshot"/> and returns its facts and a
/// verdict with the reason (the rules are tabled in docs/compliance.md, "Control evidence"). Pure functions, so each
/// verdict is tested with a snapshot built by hand.
/// </summary>
public static class EvidenceCollectors
{
    /// <summary>Entries of the audit log by kind in the period.</summary>
    public const string AuditActivity = "audit-activity";

    /// <summary>The period's entries sealed, their batches anchored, and the anchored roots equal to the chain's.</summary>
    public const string AuditIntegrity = "audit-integrity";

    /// <summary>The identity registry now, and whether the chain records each identity's status.</summary>
    public const string IdentityRegistry = "identity-registry";

    /// <summary>Who holds platform-wide administration.</summary>
    public const string PrivilegedAccess = "privileged-access";

    /// <summary>Identities created, roles granted and revoked, suspensions in the period.</summary>
    public const string IdentityChanges = "identity-changes";

    /// <summary>Key lifecycle events in the period: site keys approved, rotated, revoked; passwords changed.</summary>
    public const string KeyManagement = "key-management";

    /// <summary>Who may change the contracts: the governance board, its threshold and delay; deployments in the period.</summary>
    public const string ChangeManagement = "change-management";

    /// <summary>Availability probing of resources, sealed hour by hour.</summary>
    public const string AvailabilityMonitoring = "availability-monitoring";

    /// <summary>The retention policy and the archives and deletions in the period.</summary>
    public const string Retention = "retention";

    /// <summary>Erasures of personal data in the period.</summary>
    public const string PersonalData = "personal-data";

    /// <summary>Hardware assets registered and custody events in the period.</summary>
    public const string HardwareCustody = "hardware-custody";

    private const string ChainRefused = "identity.chain.refused";

    private static readonly string[] IdentityChangeActions =
    [
        "identity.account.created", "identity.role.granted", "identity.role.revoked", "identity.account.suspended",
        "identity.account.reinstated", "identity.account.revoked", "identity.credential.issued",
    ];

    private static readonly string[] KeyActions =
    [
        "site.agent.approved", "site.agent.rotation-requested", "site.agent.rotated", "site.agent.revoked", "ledger.key.created",
        "identity.password.changed",
    ];

    /// <summary>Every collector's result, in a fixed order (the order of packages and reports).</summary>
    public static IReadOnlyList<CollectorResult> Collect(EvidenceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return
        [
            Activity(snapshot), Integrity(snapshot), Registry(snapshot), Privileged(snapshot), Changes(snapshot), Keys(snapshot),
            Governance(snapshot), Availability(snapshot), RetentionOf(snapshot), Privacy(snapshot), Custody(snapshot),
        ];
    }

    /// <summary>audit-activity: pass when the log recorded anything in the period.</summary>
    public static CollectorResult Activity(EvidenceSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var facts = new List<EvidenceFact> { EvidenceFact.Of("entries", s.Audit.Entries), EvidenceFact.Of("actions", s.Audit.ByAction.Count) };
        facts.AddRange(s.Audit.ByAction.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => EvidenceFact.Of("action:" + a.Key, a.Value)));
        return s.Audit.Entries == 0
            ? new(AuditActivity, "Audit log activity", EvidenceVerdict.NotApplicable, "No audit entry was recorded in the period.", facts)
            : new(AuditActivity, "Audit log activity", EvidenceVerdict.Pass,
                Invariant($"{s.Audit.Entries} audit entries of {s.Audit.ByAction.Count} kinds were recorded in the period."), facts);
    }

    /// <summary>
    /// audit-integrity: fails when an entry of the period is not sealed, a batch is not anchored, or the chain lacks a
    /// root the store says it anchored or holds another one.
    /// </summary>
    public static CollectorResult Integrity(EvidenceSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var unanchored = s.Audit.Batches.Where(b => b.Anchor is null).Select(b => b.Id).ToList();
        var missing = new List<long>();
        var differing = new List<long>();
        foreach (var batch in s.Audit.Batches.Where(b => b.Anchor is not null))
        {
            if (!s.ChainRoots.TryGetValue(batch.Id, out var root))
            {
                missing.Add(batch.Id);
            }
            else if (!root.Root.AsSpan().SequenceEqual(batch.Root) || root.FirstSequence != batch.FirstSequence || root.Count != batch.Count)
            {
                differing.Add(batch.Id);
            }
        }

        var matching = s.Audit.Batches.Count - unanchored.Count - missing.Count - differing.Count;
        var archives = s.Removals.Count(r => r.OldestEntry < s.To && r.NewestEntry >= s.From);
        List<EvidenceFact> facts =
        [
            EvidenceFact.Of("entries", s.Audit.Entries), EvidenceFact.Of("entriesSealed", s.Audit.Entries - s.Audit.Unsealed),
            EvidenceFact.Of("entriesUnsealed", s.Audit.Unsealed), EvidenceFact.Of("batches", s.Audit.Batches.Count),
            EvidenceFact.Of("batchesUnanchored", unanchored.Count), EvidenceFact.Of("batchesMissingOnChain", missing.Count),
            EvidenceFact.Of("batchesDifferingFromChain", differing.Count), EvidenceFact.Of("batchesMatchingChain", matching),
            EvidenceFact.Of("removalsOverlappingPeriod", archives),
        ];
        if (s.Audit.Batches.Count > 0)
        {
            facts.Add(EvidenceFact.Of("firstBatch", s.Audit.Batches.Min(b => b.Id)));
            facts.Add(EvidenceFact.Of("lastBatch", s.Audit.Batches.Max(b => b.Id)));
        }

        const string Title = "Audit log sealed and anchored on chain";
        var problems = new List<string>();
        if (s.Audit.Unsealed > 0)
        {
            problems.Add(Invariant($"{s.Audit.Unsealed} entries are not sealed"));
        }

        if (unanchored.Count > 0)
        {
            problems.Add($"batches {Ids(unanchored)} are not anchored");
        }

        if (missing.Count > 0)
        {
            problems.Add($"the chain holds no root for batches {Ids(missing)}");
        }

        if (differing.Count > 0)
        {
            problems.Add($"the chain's root differs from the stored one for batches {Ids(differing)}");
        }

        if (problems.Count > 0)
        {
            return new(AuditIntegrity, Title, EvidenceVerdict.Fail, string.Join("; ", problems) + ".", facts);
        }

        return s.Audit.Entries == 0
            ? new(AuditIntegrity, Title, EvidenceVerdict.NotApplicable,
                archives > 0 ? "The period's entries were archived; verify the archives (sankofa audit verify --archive)." : "No audit entry was recorded in the period.", facts)
            : new(AuditIntegrity, Title, EvidenceVerdict.Pass,
                Invariant($"All {s.Audit.Entries} entries are sealed in {s.Audit.Batches.Count} batches whose roots the chain holds unchanged."), facts);
    }

    /// <summary>identity-registry: fails when the chain refused an identity's change or records another status than the registry.</summary>
    public static CollectorResult Registry(EvidenceSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var accounts = s.Accounts;
        var failed = accounts.Where(a => a.Chain.FailedSteps > 0).ToList();
        var differing = accounts.Where(a => a.Chain.PendingSteps == 0 && a.Chain.FailedSteps == 0 && a.Chain.RecordedStatus != a.Status).ToList();
        var pending = accounts.Count(a => a.Chain.PendingSteps > 0);
        List<EvidenceFact> facts =
        [
            EvidenceFact.Of("identities", accounts.Count),
            EvidenceFact.Of("users", accounts.Count(a => a.Kind == AccountKind.User)),
            EvidenceFact.Of("services", accounts.Count(a => a.Kind == AccountKind.Service)),
            EvidenceFact.Of("active", accounts.Count(a => a.Status == IdentityStatus.Active)),
            EvidenceFact.Of("suspended", accounts.Count(a => a.Status == IdentityStatus.Suspended)),
            EvidenceFact.Of("revoked", accounts.Count(a => a.Status == IdentityStatus.Revoked)),
            EvidenceFact.Of("waitingForChain", pending),
            EvidenceFact.Of("refusedByChain", failed.Count),
            EvidenceFact.Of("statusDiffersFromChain", differing.Count),
        ];
        const string Title = "Identity registry recorded on chain";
        if (failed.Count > 0 || differing.Count > 0)
        {
            var problems = new List<string>();
            if (failed.Count > 0)
            {
                problems.Add($"the chain refused changes of {Names(failed.Select(a => a.Id))}");
            }

            if (differing.Count > 0)
            {
                problems.Add($"the chain records another status for {Names(differing.Select(a => a.Id))}");
            }

            return new(IdentityRegistry, Title, EvidenceVerdict.Fail, string.Join("; ", problems) + ".", facts);
        }

        return accounts.Count == 0
            ? new(IdentityRegistry, Title, EvidenceVerdict.NotApplicable, "The registry holds no identity.", facts)
            : new(IdentityRegistry, Title, EvidenceVerdict.Pass,
                Invariant($"The chain records the status of each of the {accounts.Count - pending} identities with nothing waiting") +
                (pending > 0 ? Invariant($"; {pending} have changes still on their way to the chain.") : "."), facts);
    }

    /// <summary>privileged-access: fails when more active identities hold platform-admin than <see cref="EvidenceOptions.MaxPlatformAdministrators"/>.</summary>
    public static CollectorResult Privileged(EvidenceSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var active = s.Accounts.Where(a => a.Status == IdentityStatus.Active).ToList();
        var admins = active.Where(a => a.Roles.Any(r => r.Role == Roles.PlatformAdmin)).ToList();
        var platformWide = active.Count(a => a.Roles.Any(r => r.Scope is null));
        var max = s.Options.MaxPlatformAdministrators;
        List<EvidenceFact> facts =
        [
            EvidenceFact.Of("platformAdministrators", admins.Count), EvidenceFact.Of("maxPlatformAdministrators", max),
            EvidenceFact.Of("activeWithPlatformWideRoles", platformWide),
            EvidenceFact.Of("inactiveHoldingRoles", s.Accounts.Count(a => a.Status != IdentityStatus.Active && a.Roles.Count > 0)),
        ];
        facts.AddRange(admins.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => EvidenceFact.Of("platformAdministrator", a.Name)));
        const string Title = "Privileged access";
        return admins.Count > max
            ? new(PrivilegedAccess, Title, EvidenceVerdict.Fail,
                Invariant($"{admins.Count} active identities hold platform-admin, more than the {max} allowed (Evidence:MaxPlatformAdministrators)."), facts)
            : new(PrivilegedAccess, Title, EvidenceVerdict.Pass,
                Invariant($"{admins.Count} active identities hold platform-admin (at most {max}); suspended and revoked identities are refused by the chain whatever roles they hold."), facts);
    }

    /// <summary>identity-changes: fails when the chain refused an identity change in the period; else passes when any change was made.</summary>
    public static CollectorResult Changes(EvidenceSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var facts = IdentityChangeActions.Select(a => EvidenceFact.Of(a, s.Audit.Count(a))).Append(EvidenceFact.Of(ChainRefused, s.Audit.Count(ChainRefused))).ToList();
        var changes = IdentityChangeActions.Sum(s.Audit.Count);
        const string Title = "Identity and role changes";
        return s.Audit.Count(ChainRefused) > 0
            ? new(IdentityChanges, Title, EvidenceVerdict.Fail,
                Invariant($"The chain refused {s.Audit.Count(ChainRefused)} identity changes in the period: the registry and the chain disagree."), facts)
            : changes == 0
                ? new(IdentityChanges, Title, EvidenceVerdict.NotApplicable, "No identity was created and no role changed in the period.", facts)
                : new(IdentityChanges, Title, EvidenceVerdict.Pass,
                    Invariant($"{changes} identity and role changes in the period, each an audit entry with its actor, and each recorded on chain."), facts);
    }

    /// <summary>key-management: passes when key lifecycle events were recorded; not applicable when none happened.</summary>
    public static CollectorResult Keys(EvidenceSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        List<EvidenceFact> facts = [.. KeyActions.Select(a => EvidenceFact.Of(a, s.Audit.Count(a))),
            EvidenceFact.Of("auditEntryHash", "SHA-256"), EvidenceFact.Of("partySignatures", "secp256k1 EIP-712")];
        var events = KeyActions.Sum(s.Audit.Count);
        const string Title = "Key management";
        return events == 0
            ? new(KeyManagement, Title, EvidenceVerdict.NotApplicable, "No key was created, approved, rotated or revoked and no password changed in the period.", facts)
            : new(KeyManagement, Title, EvidenceVerdict.Pass, Invariant($"{events} key lifecycle events in the period, each an audit entry."), facts);
    }

    /// <summary>change-management: fails when no governance board owns the contracts or one member approves alone.</summary>
    public static CollectorResult Governance(EvidenceSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        List<EvidenceFact> facts =
        [
            EvidenceFact.Of("ledger.contract.deployed", s.Audit.Count("ledger.contract.deployed")),
            EvidenceFact.Of("ledger.board.handover", s.Audit.Count("ledger.board.handover")),
        ];
        const string Title = "Change management of the contracts";
        if (s.Board is not { } board)
        {
            return new(ChangeManagement, Title, EvidenceVerdict.Fail,
                "No governance board owns the contracts: the control plane's own key may upgrade them without anyone's approval (configure Ledger:Board, docs/governance.md).", facts);
        }

        facts.AddRange(
        [
            EvidenceFact.Of("board", board.Board), EvidenceFact.Of("timelock", board.Timelock), EvidenceFact.Of("members", board.Members.Count),
            EvidenceFact.Of("threshold", board.Threshold), EvidenceFact.Of("emergencyThreshold", board.EmergencyThreshold),
            EvidenceFact.Of("delaySeconds", board.DelaySeconds),
        ]);
        facts.AddRange(s.Proposals.GroupBy(p => p.State, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => EvidenceFact.Of("proposals:" + g.Key, g.Count())));
        return board.Threshold < 2
            ? new(ChangeManagement, Title, EvidenceVerdict.Fail, Invariant($"The board's threshold is {board.Threshold}: one member changes the contracts alone."), facts)
            : new(ChangeManagement, Title, EvidenceVerdict.Pass,
                Invariant($"A board of {board.Members.Count} owns the contracts through a timelock of {board.DelaySeconds} s; a change needs {board.Threshold} approvals."), facts);
    }

    /// <summary>availability-monitoring: passes when resources' availability was probed and sealed in the period.</summary>
    public static CollectorResult Availability(EvidenceSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var hours = s.Audit.Count(AvailabilitySeal.Action);
        List<EvidenceFact> facts = [EvidenceFact.Of(AvailabilitySeal.Action, hours), EvidenceFact.Of("site.drift", s.Audit.CountPrefixed("site.drift."))];
        const string Title = "Availability monitoring";
        return hours == 0
            ? new(AvailabilityMonitoring, Title, EvidenceVerdict.NotApplicable, "No resource's availability was sealed in the period (no resource ran).", facts)
            : new(AvailabilityMonitoring, Title, EvidenceVerdict.Pass,
                Invariant($"{hours} tenant-hours of availability probes were sealed into the audit log in the period."), facts);
    }

    /// <summary>retention: fails when a deletion in the period removed entries younger than the retention period.</summary>
    public static CollectorResult RetentionOf(EvidenceSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var inPeriod = s.Removals.Where(r => r.CreatedAt >= s.From && r.CreatedAt < s.To).ToList();
        var early = inPeriod.Where(r => r.Kind == AuditRemovalKind.Deleted && r.NewestEntry.AddYears(s.RetentionYears) > r.CreatedAt).ToList();
        List<EvidenceFact> facts =
        [
            EvidenceFact.Of("auditEntryYears", s.RetentionYears),
            EvidenceFact.Of("archives", inPeriod.Count(r => r.Kind == AuditRemovalKind.Archived)),
            EvidenceFact.Of("deletions", inPeriod.Count(r => r.Kind == AuditRemovalKind.Deleted)),
            EvidenceFact.Of("deletionsBeforeRetentionEnded", early.Count),
            EvidenceFact.Of("archivesSoFar", s.Removals.Count(r => r.Kind == AuditRemovalKind.Archived)),
        ];
        const string Title = "Retention of audit records";
        return early.Count > 0
            ? new(Retention, Title, EvidenceVerdict.Fail, $"Removals {Ids(early.Select(r => r.Id))} deleted entries younger than {s.RetentionYears} years.", facts)
            : new(Retention, Title, EvidenceVerdict.Pass,
                Invariant($"Audit entries are kept {s.RetentionYears} years; {inPeriod.Count} archives or deletions in the period, none before its retention ended."), facts);
    }

    /// <summary>personal-data: passes when erasures were made in the period, each audited without personal data; else not applicable.</summary>
    public static CollectorResult Privacy(EvidenceSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var erased = s.Audit.Count(SubjectAccessService.ErasedAction);
        List<EvidenceFact> facts =
        [
            EvidenceFact.Of(SubjectAccessService.ErasedAction, erased),
            EvidenceFact.Of("identitiesErasedSoFar", s.Accounts.Count(a => a.SubjectSalt is null)),
        ];
        const string Title = "Personal data erasure";
        return erased == 0
            ? new(PersonalData, Title, EvidenceVerdict.NotApplicable, "No personal data was erased in the period.", facts)
            : new(PersonalData, Title, EvidenceVerdict.Pass,
                Invariant($"{erased} subjects' personal data was erased by destroying their keys, each erasure an audit entry without personal data."), facts);
    }

    /// <summary>hardware-custody: passes when assets were registered or custody changed in the period, each signed by its parties.</summary>
    public static CollectorResult Custody(EvidenceSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var events = s.Audit.CountPrefixed("hardware.custody.");
        List<EvidenceFact> facts = [EvidenceFact.Of("hardware.asset.created", s.Audit.Count("hardware.asset.created")), EvidenceFact.Of("custodyEvents", events)];
        facts.AddRange(s.Audit.ByAction.Where(a => a.Key.StartsWith("hardware.custody.", StringComparison.Ordinal)).OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => EvidenceFact.Of(a.Key, a.Value)));
        const string Title = "Hardware inventory and custody";
        return events + s.Audit.Count("hardware.asset.created") == 0
            ? new(HardwareCustody, Title, EvidenceVerdict.NotApplicable, "No asset was registered and no custody changed in the period.", facts)
            : new(HardwareCustody, Title, EvidenceVerdict.Pass,
                Invariant($"{events} custody events in the period, each signed by its parties and recorded on chain."), facts);
    }

    private static string Ids(IEnumerable<long> ids)
    {
        var list = ids.ToList();
        return string.Join(", ", list.Take(10).Select(i => i.ToString(CultureInfo.InvariantCulture))) + (list.Count > 10 ? Invariant($" and {list.Count - 10} more") : "");
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        return string.Join(", ", list.Take(10)) + (list.Count > 10 ? Invariant($" and {list.Count - 10} more") : "");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
