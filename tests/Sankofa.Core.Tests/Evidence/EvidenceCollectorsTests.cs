using System.Text;
using System.Text.Json;
using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Evidence;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Ledger;
using Sankofa.Core.Retention;

namespace Sankofa.Core.Tests.Evidence;

/// <summary>
/// The collectors' verdicts from snapshots built by hand: each rule of docs/compliance.md ("Control evidence") passes,
/// fails with a reason naming what failed, or is not applicable; controls combine them, and manual controls stay manual.
/// </summary>
public class EvidenceCollectorsTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static AuditBatch Batch(long id, bool anchored = true) =>
        new(id, Enumerable.Repeat((byte)id, 32).ToArray(), id * 10, 10, From.AddDays(1), anchored ? new AnchorRecord("0xabc", id, From.AddDays(1)) : null);

    private static OnChainRoot RootOf(AuditBatch b) => new(b.Id, b.Root, b.FirstSequence, b.Count, b.Id);

    private static StoredAccount Account(string name, IdentityStatus status = IdentityStatus.Active, AccountChainState? chain = null, params RoleGrant[] roles) => new(
        "id-" + name, AccountKind.User, name, "hash", false, status, "0x00", [1], roles, From, From, 1, chain ?? new AccountChainState(status, 5, 0, 0));

    private static EvidenceSnapshot Snapshot(
        Dictionary<string, long>? actions = null, long unsealed = 0, IReadOnlyList<AuditBatch>? batches = null, Dictionary<long, OnChainRoot>? roots = null,
        IReadOnlyList<StoredAccount>? accounts = null, GovernanceBoard? board = null, IReadOnlyList<AuditRemoval>? removals = null)
    {
        actions ??= new Dictionary<string, long> { ["test.recorded"] = 20 };
        batches ??= [Batch(1), Batch(2)];
        return new EvidenceSnapshot(
            From, To, new AuditPeriodFacts(actions.Values.Sum(), unsealed, actions, batches), roots ?? batches.Where(b => b.Anchor is not null).ToDictionary(b => b.Id, RootOf),
            accounts ?? [Account("admin", roles: new RoleGrant(Roles.PlatformAdmin))], board, [], 7, removals ?? [], new EvidenceOptions());
    }

    private static long Fact(CollectorResult result, string name) => result.Facts.Single(f => f.Name == name).Number!.Value;

    [Fact]
    public void Audit_integrity_passes_when_every_entry_is_sealed_and_every_root_is_the_chains()
    {
        var result = EvidenceCollectors.Integrity(Snapshot());

        Assert.Equal(EvidenceVerdict.Pass, result.Verdict);
        Assert.Equal("All 20 entries are sealed in 2 batches whose roots the chain holds unchanged.", result.Reason);
        Assert.Equal(2, Fact(result, "batchesMatchingChain"));
    }

    [Fact]
    public void Audit_integrity_fails_naming_unsealed_entries_unanchored_batches_and_roots_the_chain_lacks_or_holds_otherwise()
    {
        var batches = new[] { Batch(1), Batch(2), Batch(3), Batch(4, anchored: false) };
        var roots = new Dictionary<long, OnChainRoot> { [1] = RootOf(batches[0]), [2] = RootOf(batches[1]) with { Root = new byte[32] } };

        var result = EvidenceCollectors.Integrity(Snapshot(unsealed: 3, batches: batches, roots: roots));

        Assert.Equal(EvidenceVerdict.Fail, result.Verdict);
        Assert.Equal("3 entries are not sealed; batches 4 are not anchored; the chain holds no root for batches 3; the chain's root differs from the stored one for batches 2.", result.Reason);
        Assert.Equal((1L, 1L, 1L, 1L), (Fact(result, "batchesMatchingChain"), Fact(result, "batchesUnanchored"), Fact(result, "batchesMissingOnChain"), Fact(result, "batchesDifferingFromChain")));
    }

    [Fact]
    public void Audit_integrity_is_not_applicable_to_a_period_without_entries()
    {
        var result = EvidenceCollectors.Integrity(Snapshot(actions: [], batches: []));

        Assert.Equal(EvidenceVerdict.NotApplicable, result.Verdict);
    }

    [Fact]
    public void Identity_registry_fails_when_the_chain_refused_a_change_or_records_another_status()
    {
        var refused = Account("refused", chain: new AccountChainState(IdentityStatus.Active, 5, 0, 1));
        var stale = Account("stale", IdentityStatus.Suspended, new AccountChainState(IdentityStatus.Active, 5, 0, 0));
        var waiting = Account("waiting", IdentityStatus.Suspended, new AccountChainState(IdentityStatus.Active, 5, 1, 0));

        var failed = EvidenceCollectors.Registry(Snapshot(accounts: [refused, stale, waiting]));
        var passed = EvidenceCollectors.Registry(Snapshot(accounts: [waiting, Account("ok")]));

        Assert.Equal(EvidenceVerdict.Fail, failed.Verdict);
        Assert.Equal("the chain refused changes of id-refused; the chain records another status for id-stale.", failed.Reason);
        Assert.Equal(EvidenceVerdict.Pass, passed.Verdict);
        Assert.Equal(1, Fact(passed, "waitingForChain"));
    }

    [Fact]
    public void Privileged_access_fails_when_more_active_identities_hold_platform_admin_than_allowed()
    {
        var admins = Enumerable.Range(1, 6).Select(i => Account("admin" + i, roles: new RoleGrant(Roles.PlatformAdmin))).ToList();
        var suspended = Account("gone", IdentityStatus.Suspended, null, new RoleGrant(Roles.PlatformAdmin));

        var failed = EvidenceCollectors.Privileged(Snapshot(accounts: admins));
        var passed = EvidenceCollectors.Privileged(Snapshot(accounts: [.. admins.Take(5), suspended]));

        Assert.Equal(EvidenceVerdict.Fail, failed.Verdict);
        Assert.Contains("6 active identities hold platform-admin, more than the 5 allowed", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(EvidenceVerdict.Pass, passed.Verdict);
        Assert.Equal(5, Fact(passed, "platformAdministrators"));
        Assert.Equal(1, Fact(passed, "inactiveHoldingRoles"));
    }

    [Fact]
    public void Identity_changes_pass_when_made_fail_when_the_chain_refused_one_and_do_not_apply_when_none_were_made()
    {
        Assert.Equal(EvidenceVerdict.Pass, EvidenceCollectors.Changes(Snapshot(actions: new() { ["identity.role.granted"] = 2 })).Verdict);
        Assert.Equal(EvidenceVerdict.Fail, EvidenceCollectors.Changes(Snapshot(actions: new() { ["identity.role.granted"] = 2, ["identity.chain.refused"] = 1 })).Verdict);
        Assert.Equal(EvidenceVerdict.NotApplicable, EvidenceCollectors.Changes(Snapshot()).Verdict);
    }

    [Fact]
    public void Change_management_fails_without_a_board_or_with_a_board_of_one_approval_and_passes_with_k_of_n()
    {
        var board = new GovernanceBoard("0xb0", "0x71", ["0x1", "0x2", "0x3"], 2, 1, 3600);

        var none = EvidenceCollectors.Governance(Snapshot());
        var alone = EvidenceCollectors.Governance(Snapshot(board: board with { Threshold = 1 }));
        var governed = EvidenceCollectors.Governance(Snapshot(board: board));

        Assert.Equal(EvidenceVerdict.Fail, none.Verdict);
        Assert.Contains("No governance board owns the contracts", none.Reason, StringComparison.Ordinal);
        Assert.Equal(EvidenceVerdict.Fail, alone.Verdict);
        Assert.Equal(EvidenceVerdict.Pass, governed.Verdict);
        Assert.Equal("A board of 3 owns the contracts through a timelock of 3600 s; a change needs 2 approvals.", governed.Reason);
    }

    [Fact]
    public void Retention_fails_for_a_deletion_of_entries_younger_than_the_policy()
    {
        var boundary = new AuditBoundary(10, new byte[32], 1, 0, []);
        AuditRemoval Removal(long id, AuditRemovalKind kind, DateTimeOffset newest) =>
            new(id, kind, From.AddDays(2), From.AddDays(2), 1, 1, 1, 10, newest.AddDays(-1), newest, boundary, null, null);

        var archived = EvidenceCollectors.RetentionOf(Snapshot(removals: [Removal(1, AuditRemovalKind.Archived, From.AddDays(1))]));
        var early = EvidenceCollectors.RetentionOf(Snapshot(removals: [Removal(2, AuditRemovalKind.Deleted, From.AddYears(-6))]));
        var late = EvidenceCollectors.RetentionOf(Snapshot(removals: [Removal(3, AuditRemovalKind.Deleted, From.AddYears(-8))]));

        Assert.Equal(EvidenceVerdict.Pass, archived.Verdict);
        Assert.Equal(EvidenceVerdict.Fail, early.Verdict);
        Assert.Equal("Removals 2 deleted entries younger than 7 years.", early.Reason);
        Assert.Equal(EvidenceVerdict.Pass, late.Verdict);
    }

    [Fact]
    public void Activity_driven_collectors_do_not_apply_to_a_period_without_their_events()
    {
        var quiet = Snapshot();
        var busy = Snapshot(actions: new()
        {
            ["privacy.subject.erased"] = 1, ["hardware.custody.transfer"] = 2, ["sla.availability.hours"] = 24, ["site.agent.rotated"] = 1,
        });

        foreach (var collector in new Func<EvidenceSnapshot, CollectorResult>[]
                 { EvidenceCollectors.Privacy, EvidenceCollectors.Custody, EvidenceCollectors.Availability, EvidenceCollectors.Keys })
        {
            Assert.Equal(EvidenceVerdict.NotApplicable, collector(quiet).Verdict);
            Assert.Equal(EvidenceVerdict.Pass, collector(busy).Verdict);
        }
    }

    [Fact]
    public void Controls_take_the_worst_verdict_of_their_collectors_and_controls_without_evidence_stay_manual()
    {
        var controls = ControlCatalog.Evaluate(EvidenceCollectors.Collect(Snapshot(unsealed: 1)));

        var monitoring = controls.Single(c => c.Control.Id == "CC7.2");
        Assert.Equal(EvidenceVerdict.Fail, monitoring.Verdict); // audit-integrity fails, availability does not apply
        Assert.Equal("Failed by audit-integrity.", monitoring.Reason);
        Assert.Equal(EvidenceVerdict.Pass, controls.Single(c => c.Control.Id == "CC6.1").Verdict);
        Assert.Equal(EvidenceVerdict.NotApplicable, controls.Single(c => c.Control.Id == "A.5.34").Verdict);
        Assert.All(controls.Where(c => c.Control.Id is "A1.2" or "A.8.13"), c =>
        {
            Assert.Equal(EvidenceVerdict.Manual, c.Verdict);
            Assert.Contains("backups", c.Reason, StringComparison.Ordinal);
        });
        Assert.Equal(ControlCatalog.All.Count, controls.Count);
    }

    [Fact]
    public void The_package_is_canonical_json_whose_hash_the_anchor_payload_carries()
    {
        var collectors = EvidenceCollectors.Collect(Snapshot());
        var package = new EvidencePackage(3, 1, From, To, To.AddMinutes(5), "usr-\"q\"\n", ControlCatalog.Evaluate(collectors), collectors);

        var bytes = EvidenceEncoding.Package(package);
        var text = Encoding.UTF8.GetString(bytes);
        var payload = EvidenceEncoding.AnchorPayload(3, 1, From, To, EvidenceEncoding.Hash(bytes));

        Assert.StartsWith("{\"format\":\"sankofa.control-evidence/1\",\"run\":3,\"attempt\":1,\"from\":\"2026-11-01T00:00:00.000Z\",\"to\":\"2026-12-01T00:00:00.000Z\",\"generatedAt\":\"2026-12-01T00:05:00.000Z\",\"generatedBy\":\"usr-\\\"q\\\"\\u000a\",\"summary\":{", text, StringComparison.Ordinal);
        Assert.Contains("\"facts\":[[\"entries\",20],[\"actions\",1],[\"action:test.recorded\",20]]", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" \"", text, StringComparison.Ordinal);
        Assert.Equal(bytes, EvidenceEncoding.Package(package)); // the same package, the same bytes
        using var parsed = JsonDocument.Parse(bytes); // and valid JSON
        Assert.Equal(ControlCatalog.All.Count, parsed.RootElement.GetProperty("controls").GetArrayLength());
        Assert.Equal(
            "{\"run\":3,\"attempt\":1,\"from\":\"2026-11-01T00:00:00.000Z\",\"to\":\"2026-12-01T00:00:00.000Z\",\"packageSha256\":\"0x"
            + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) + "\"}", payload);
    }

    [Fact]
    public void A_period_defaults_to_the_previous_calendar_month_and_must_have_ended()
    {
        var now = new DateTimeOffset(2026, 12, 3, 16, 0, 0, TimeSpan.Zero);

        Assert.Equal((From, To), EvidenceRuns.Period(null, null, now));
        Assert.Equal((From, now), EvidenceRuns.Period(From, now, now));
        Assert.Null(EvidenceRuns.Period(From, now.AddSeconds(1), now)); // not over yet
        Assert.Null(EvidenceRuns.Period(To, From, now));
        Assert.Null(EvidenceRuns.Period(From, null, now));
        Assert.Null(EvidenceRuns.Period(From.AddYears(-2), To, now)); // longer than 366 days
    }
}
