using Sankofa.Core;
using Sankofa.Core.Agents;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;

namespace Sankofa.Data.Tests.Agents;

/// <summary>The agent store against real SQLite and PostgreSQL: registrations, their order, approval, and their audit entries.</summary>
public sealed class AgentStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Providers => TestStore.Providers;

    private static SiteAgent Pending(string site, char digit) => new(
        0, site, "0x" + new string(digit, 40), "1.2.3", AgentState.Pending, Now, "adm-1", Now.AddMinutes(-5), new byte[65], null, null, null, null, null);

    private static AuditEvent Audit(string action, string site) => new("tester", action, "site:" + site, "{}");

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Agents_list_in_registration_order_per_site_and_a_key_registered_twice_for_a_site_is_a_conflict(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Agents;
        var first = await store.AddAsync(Pending("edge-001", 'a'), Audit("site.agent.registered", "edge-001"), CancellationToken.None);
        var second = await store.AddAsync(Pending("edge-002", 'b'), Audit("site.agent.registered", "edge-002"), CancellationToken.None);
        var third = await store.AddAsync(Pending("edge-001", 'c'), Audit("site.agent.registered", "edge-001"), CancellationToken.None);

        await Assert.ThrowsAsync<StoreConflictException>(() => store.AddAsync(Pending("edge-001", 'a'), Audit("site.agent.registered", "edge-001"), CancellationToken.None));
        // The same key for another site is another row: the chain, not the store, says a key serves one site.
        Assert.True(first.Seq < second.Seq && second.Seq < third.Seq);
        Assert.Equal([first, third], await store.ListAsync("edge-001", null, 10, CancellationToken.None), AgentComparer.Instance);
        Assert.Equal([second, third], await store.ListAsync(null, first.Seq, 10, CancellationToken.None), AgentComparer.Instance);
        Assert.Equal([first], await store.ListAsync(null, null, 1, CancellationToken.None), AgentComparer.Instance);
        var audit = await test.Audit.ListEntriesAsync(new AuditQuery(Subject: "site:edge-001", Limit: 10), CancellationToken.None);
        Assert.Equal(2, audit.Items.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Approval_records_the_transaction_once_and_a_repeat_writes_nothing(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Agents;
        var agent = await store.AddAsync(Pending("edge-003", 'd'), Audit("site.agent.registered", "edge-003"), CancellationToken.None);
        var receipt = new LedgerReceipt("0x" + new string('e', 64), 42);

        var approved = await store.ApproveAsync("edge-003", agent.Address, "adm-2", Now.AddMinutes(1), receipt, Audit("site.agent.approved", "edge-003"), CancellationToken.None);
        var again = await store.ApproveAsync("edge-003", agent.Address, "adm-3", Now.AddMinutes(2), new LedgerReceipt("0x" + new string('f', 64), 43),
            Audit("site.agent.approved", "edge-003"), CancellationToken.None);

        Assert.Equal((AgentState.Approved, "adm-2", receipt.TransactionHash, (long?)42, (DateTimeOffset?)Now.AddMinutes(1)),
            (approved.State, approved.ApprovedBy, approved.KeyTransaction, approved.KeyBlock, approved.ApprovedAt));
        Assert.Equal(approved, again, AgentComparer.Instance);
        Assert.Equal(agent.Proof, approved.Proof);
        var audit = await test.Audit.ListEntriesAsync(new AuditQuery(Subject: "site:edge-003", Limit: 10), CancellationToken.None);
        Assert.Equal(["site.agent.approved", "site.agent.registered"], audit.Items.Select(e => e.Action));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_rotation_approves_the_new_key_and_retires_the_old_in_one_write_and_revocation_keeps_its_transaction(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Agents;
        var old = await store.AddAsync(Pending("edge-004", 'a'), Audit("site.agent.registered", "edge-004"), CancellationToken.None);
        await store.ApproveAsync("edge-004", old.Address, "adm-1", Now, new LedgerReceipt("0x" + new string('1', 64), 10), Audit("site.agent.approved", "edge-004"),
            CancellationToken.None);
        var consent = Enumerable.Range(0, 65).Select(i => (byte)i).ToArray();
        var next = await store.AddAsync(Pending("edge-004", 'b') with { RotatesFrom = old.Address, RotationSignature = consent },
            Audit("site.agent.rotation-requested", "edge-004"), CancellationToken.None);
        Assert.Equal((old.Address, consent), (next.RotatesFrom, next.RotationSignature));
        var rotation = new LedgerReceipt("0x" + new string('2', 64), 11);

        var approved = await store.RotateAsync("edge-004", next.Address, old.Address, "adm-2", Now.AddMinutes(1), rotation, Audit("site.agent.rotated", "edge-004"),
            CancellationToken.None);
        var retired = (await store.GetAsync("edge-004", old.Address, CancellationToken.None))!;
        var revoked = await store.RevokeAsync("edge-004", next.Address, "adm-3", Now.AddMinutes(2), new LedgerReceipt("0x" + new string('3', 64), 12),
            Audit("site.agent.revoked", "edge-004"), CancellationToken.None);
        var retiredAgain = await store.RevokeAsync("edge-004", old.Address, "adm-3", Now.AddMinutes(3), null, Audit("site.agent.revoked", "edge-004"), CancellationToken.None);

        Assert.Equal((AgentState.Approved, rotation.TransactionHash, "adm-2"), (approved.State, approved.KeyTransaction, approved.ApprovedBy));
        Assert.Equal((AgentState.Rotated, rotation.TransactionHash, (long?)11, "adm-2", (DateTimeOffset?)Now.AddMinutes(1)),
            (retired.State, retired.RetireTransaction, retired.RetireBlock, retired.RetiredBy, retired.RetiredAt));
        Assert.Equal((AgentState.Revoked, "0x" + new string('3', 64), (long?)12), (revoked.State, revoked.RetireTransaction, revoked.RetireBlock));
        Assert.Equal(retired, retiredAgain, AgentComparer.Instance); // a rotated key is left as it is
        var audit = await test.Audit.ListEntriesAsync(new AuditQuery(Subject: "site:edge-004", Limit: 10), CancellationToken.None);
        Assert.Equal(["site.agent.revoked", "site.agent.rotated", "site.agent.rotation-requested", "site.agent.approved", "site.agent.registered"],
            audit.Items.Select(e => e.Action));
    }

    /// <summary>Records with a byte array compare it by reference; these compare it by content.</summary>
    private sealed class AgentComparer : IEqualityComparer<SiteAgent>
    {
        public static readonly AgentComparer Instance = new();

        public bool Equals(SiteAgent? x, SiteAgent? y) =>
            x is not null && y is not null && x with { Proof = [], RotationSignature = null } == y with { Proof = [], RotationSignature = null }
            && x.Proof.AsSpan().SequenceEqual(y.Proof) && (x.RotationSignature ?? []).AsSpan().SequenceEqual(y.RotationSignature);

        public int GetHashCode(SiteAgent obj) => obj.Seq.GetHashCode();
    }
}
