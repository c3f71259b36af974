using Sankofa.Core.Audit;
using Sankofa.Core.Evidence;

namespace Sankofa.Data.Tests.Evidence;

/// <summary>Evidence runs and the audit counts they read, on SQLite and PostgreSQL.</summary>
public class EvidenceStoreTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    private static NewAuditEntry Entry(int second, string action) =>
        new(Now.AddSeconds(second), "alice", action, "thing-" + second, "{}", AuditHashing.PayloadHash("{}"));

    private static EvidenceRunContent Content(long id, int attempt) => new(
        [(byte)id, (byte)attempt], new byte[32], [0x25], new EvidenceSummary(1, 2, 3, 4), Now.AddDays(1), "usr-1",
        new AuditEvent("usr-1", EvidenceEncoding.Action, EvidenceEncoding.Subject(id), "{}"));

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_periods_entries_are_counted_by_action_with_the_batches_sealing_them(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.Audit.AppendAsync([Entry(1, "a.x"), Entry(2, "a.x"), Entry(3, "b.y"), Entry(4, "b.y"), Entry(10, "a.x")], CancellationToken.None);
        await store.Audit.SealNextBatchAsync(2, Now, CancellationToken.None); // entries 1–2 sealed; the rest wait

        var facts = await store.Evidence.ReadAuditAsync(Now, Now.AddSeconds(10), CancellationToken.None);

        Assert.Equal(4, facts.Entries); // the entry at +10 s is after the period
        Assert.Equal(2, facts.Unsealed);
        Assert.Equal((2, 2L, 2L), (facts.ByAction.Count, facts.ByAction["a.x"], facts.ByAction["b.y"]));
        Assert.Equal(1, Assert.Single(facts.Batches).Id);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Runs_are_numbered_across_periods_attempts_within_one_and_each_appends_its_audit_entry(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (from, to) = (Now, Now.AddDays(30));

        var first = await store.Evidence.AddAsync(from, to, Content, CancellationToken.None);
        var other = await store.Evidence.AddAsync(from, to.AddDays(1), Content, CancellationToken.None);
        var second = await store.Evidence.AddAsync(from, to, Content, CancellationToken.None);

        Assert.Equal((1L, 1), (first.Id, first.Attempt));
        Assert.Equal((2L, 1), (other.Id, other.Attempt));
        Assert.Equal((3L, 2), (second.Id, second.Attempt));
        Assert.Equal(second.Id, (await store.Evidence.FindLatestAsync(from, to, CancellationToken.None))!.Id);
        Assert.Null(await store.Evidence.FindLatestAsync(from, to.AddDays(2), CancellationToken.None));
        Assert.Equal(new EvidenceSummary(1, 2, 3, 4), (await store.Evidence.GetAsync(1, CancellationToken.None))!.Summary);
        Assert.Equal(new byte[] { 3, 2 }, await store.Evidence.GetPackageAsync(3, CancellationToken.None));
        Assert.Equal(new byte[] { 0x25 }, await store.Evidence.GetReportAsync(3, CancellationToken.None));
        Assert.Null(await store.Evidence.GetPackageAsync(9, CancellationToken.None));

        var entry = await store.Audit.GetEntryAsync(second.AuditEntryId, CancellationToken.None);
        Assert.Equal((EvidenceEncoding.Action, "evidence-run:3"), (entry!.Action, entry.Subject));

        var page = await store.Evidence.ListAsync(null, 2, CancellationToken.None);
        Assert.Equal([3L, 2L], page.Items.Select(r => r.Id));
        Assert.Equal([1L], (await store.Evidence.ListAsync(page.NextBefore, 2, CancellationToken.None)).Items.Select(r => r.Id));
    }
}
