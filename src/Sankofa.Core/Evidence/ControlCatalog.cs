namespace Sankofa.Core.Evidence;

/// <summary>A control of a framework, and the automated evidence this product collects for it.</summary>
/// <param name="Id">The control's id in its framework (<c>CC6.1</c>, <c>A.8.15</c>).</param>
/// <param name="Framework"><c>SOC 2</c> or <c>ISO 27001:2022</c>.</param>
/// <param name="Title">The control's name.</param>
/// <param name="Collectors">Ids of the collectors whose findings evidence it; empty for a manual control.</param>
/// <param name="ManualReason">For a manual control: why nothing is collected automatically, and what an auditor gathers instead.</param>
public sealed record Control(string Id, string Framework, string Title, IReadOnlyList<string> Collectors, string? ManualReason = null);

/// <summary>
/// The controls an evidence run covers (docs/compliance.md, "Control evidence"): SOC 2 trust services criteria and ISO/IEC
/// 27001:2022 Annex A controls, each mapped to the collectors of <see cref="EvidenceCollectors"/>. A control this product
/// cannot evidence is listed as manual, with the reason, rather than given a verdict it has not earned.
/// </summary>
public static class ControlCatalog
{
    /// <summary>SOC 2 (AICPA trust services criteria, 2017, revised 2022).</summary>
    public const string Soc2 = "SOC 2";

    /// <summary>ISO/IEC 27001:2022, Annex A.</summary>
    public const string Iso27001 = "ISO 27001:2022";

    /// <summary>Every control, in the order packages and reports list them.</summary>
    public static IReadOnlyList<Control> All { get; } =
    [
        new("CC6.1", Soc2, "Logical access security", [EvidenceCollectors.IdentityRegistry, EvidenceCollectors.PrivilegedAccess]),
        new("CC6.2", Soc2, "User registration and authorization", [EvidenceCollectors.IdentityChanges, EvidenceCollectors.IdentityRegistry]),
        new("CC6.3", Soc2, "Role-based access changes and removal", [EvidenceCollectors.IdentityChanges]),
        new("CC7.2", Soc2, "Monitoring of system components", [EvidenceCollectors.AuditIntegrity, EvidenceCollectors.AvailabilityMonitoring]),
        new("CC8.1", Soc2, "Change management", [EvidenceCollectors.ChangeManagement]),
        new("A1.2", Soc2, "Backup and recovery infrastructure", [],
            "Sankofa takes no database backups or snapshots itself: backups of PostgreSQL and restore tests are the operator's, evidenced by their own records. The chain (every anchored root) is replicated by its validators; retention archives are not backups."),
        new("A.5.9", Iso27001, "Inventory of information and other associated assets", [EvidenceCollectors.HardwareCustody]),
        new("A.5.15", Iso27001, "Access control", [EvidenceCollectors.PrivilegedAccess, EvidenceCollectors.IdentityRegistry]),
        new("A.5.18", Iso27001, "Access rights", [EvidenceCollectors.IdentityChanges]),
        new("A.5.33", Iso27001, "Protection of records", [EvidenceCollectors.Retention, EvidenceCollectors.AuditIntegrity]),
        new("A.5.34", Iso27001, "Privacy and protection of PII", [EvidenceCollectors.PersonalData]),
        new("A.8.13", Iso27001, "Information backup", [],
            "No automated evidence: database backups are taken outside Sankofa (see A1.2). Audit archives are retention exports that verify against the chain (A.5.33), not backups."),
        new("A.8.15", Iso27001, "Logging", [EvidenceCollectors.AuditActivity, EvidenceCollectors.AuditIntegrity]),
        new("A.8.16", Iso27001, "Monitoring activities", [EvidenceCollectors.AvailabilityMonitoring, EvidenceCollectors.AuditIntegrity]),
        new("A.8.24", Iso27001, "Use of cryptography", [EvidenceCollectors.KeyManagement, EvidenceCollectors.AuditIntegrity]),
    ];

    /// <summary>Each control's verdict from the collectors' results (which must include every collector the catalog names).</summary>
    public static IReadOnlyList<ControlResult> Evaluate(IReadOnlyList<CollectorResult> collectors)
    {
        ArgumentNullException.ThrowIfNull(collectors);
        var byId = collectors.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var results = new List<ControlResult>(All.Count);
        foreach (var control in All)
        {
            if (control.Collectors.Count == 0)
            {
                results.Add(new ControlResult(control, EvidenceVerdict.Manual, control.ManualReason ?? "No automated evidence."));
                continue;
            }

            var found = control.Collectors.Select(id => byId[id]).ToList();
            var verdict = EvidenceVerdicts.Combine([.. found.Select(c => c.Verdict)]);
            var deciding = found.Where(c => c.Verdict == verdict).Select(c => c.Id);
            results.Add(new ControlResult(control, verdict, verdict switch
            {
                EvidenceVerdict.Fail => $"Failed by {string.Join(", ", deciding)}.",
                EvidenceVerdict.Pass => $"Passed by {string.Join(", ", deciding)}" + (found.Count > 1 && found.Any(c => c.Verdict != verdict) ? "; the others found nothing to apply to." : "."),
                _ => "Nothing in the period to which it applies.",
            }));
        }

        return results;
    }
}
