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

    /// <summary>Records with a byte array compare it by reference; these compare it by content.</summary>
    private sealed class AgentComparer : IEqualityComparer<SiteAgent>
    {
        public static readonly AgentComparer Instance = new();

        public bool Equals(SiteAgent? x, SiteAgent? y) =>
            x is not null && y is not null && x with { Proof = Array.Empty<byte>() } == y with { Proof = Array.Empty<byte>() } && x.Proof.AsSpan().SequenceEqual(y.Proof);

        public int GetHashCode(SiteAgent obj) => obj.Seq.GetHashCode();
    }
}
