using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Identity;
using Sankofa.Core.Ledger;
using Sankofa.Core.Retention;

namespace Sankofa.Core.Tests.Retention;

/// <summary>The retention rules of the audit log, with in-memory fakes of its store and archive directory.</summary>
public class AuditRetentionTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly Caller Operator = new("op", "op", [new RoleGrant(Roles.Operator, null)]);
    private static readonly Caller TenantOperator = new("op-a", "op-a", [new RoleGrant(Roles.Operator, "acme")]);
    private static readonly Caller Auditor = new("aud", "aud", [new RoleGrant(Roles.Auditor, null)]);

    private readonly FakeTimeProvider time = new(Start);
    private readonly InMemoryRetentionStore store = new();
    private readonly InMemoryArchiveFiles files = new();

    private AuditRetention Retention(int years = 7) =>
        new(store, files, new RetentionOptions { AuditEntryYears = years }, time);

    /// <summary>Two batches of entries from <see cref="Start"/> on (an hour apart), anchored.</summary>
    private void Seed(int first = 3, int second = 2)
    {
        var head = new AuditChainHead(0, AuditHashing.Genesis.ToArray(), 0);
        var (b1, e1) = AuditSealer.Seal(head, Entries(1, first), Start);
        var (b2, e2) = AuditSealer.Seal(new AuditChainHead(e1[^1].Seal!.Sequence, e1[^1].Seal!.Hash, b1.Id), Entries(first + 1, second), Start);
        store.Add(b1, e1);
        store.Add(b2, e2);
    }

    private static List<AuditEntry> Entries(int from, int count) => [.. Enumerable.Range(from, count).Select(i =>
        new AuditEntry(i, Start.AddHours(i), "alice", "test.did", "thing-" + i, AuditHashing.PayloadHash("{}"), "{}", null))];

    [Fact]
    public void Audit_entries_are_kept_seven_years_by_default()
    {
        var policy = Assert.Single(RetentionPolicy.From(new RetentionOptions()));

        Assert.Equal(RetentionRecordKind.AuditEntries, policy.Kind);
        Assert.Equal(7, policy.Years);
        Assert.Equal(new DateTimeOffset(2033, 1, 10, 12, 0, 0, TimeSpan.Zero), policy.RetainedUntil(Start));
    }

    [Fact]
    public async Task Deleting_entries_before_their_retention_ends_is_refused_naming_the_date_they_are_kept_until()
    {
        Seed();
        time.Advance(TimeSpan.FromDays(365 * 3));

        var refused = await Retention().DeleteAsync(Operator, Start.AddDays(1), CancellationToken.None);

        Assert.Equal(ErrorKind.Conflict, refused.Error!.Kind);
        var message = Assert.Single(refused.Error.Fields["before"]);
        Assert.Contains("retained for 7 years", message, StringComparison.Ordinal);
        Assert.Contains("retained until 2033-01-11", message, StringComparison.Ordinal);
        Assert.Equal(5, store.HotEntries);
        Assert.Empty(store.Removals);
    }

    [Fact]
    public async Task Deleting_entries_whose_retention_ended_removes_whole_batches_and_records_the_boundary()
    {
        Seed();
        time.Advance(TimeSpan.FromDays(366 * 7 + 2));

        // Before the fourth hour: the first batch (entries of hours 1..3) only; the second has younger entries.
        var deleted = await Retention().DeleteAsync(Operator, Start.AddHours(3.5), CancellationToken.None);

        var removal = deleted.Value!;
        Assert.Equal(AuditRemovalKind.Deleted, removal.Kind);
        Assert.Equal((1L, 3L), (removal.FirstSequence, removal.LastSequence));
        Assert.Null(removal.FileName);
        Assert.Equal(2, store.HotEntries);
        Assert.Equal("audit.deleted", store.Audited.Single().Action);
        Assert.Empty(files.Files);
    }

    [Fact]
    public async Task Archiving_is_allowed_at_any_past_cut_off_and_the_archive_verifies_against_the_roots_alone()
    {
        Seed();
        var roots = store.Batches.ToDictionary(b => b.Id, b => new OnChainRoot(b.Id, b.Root, b.FirstSequence, b.Count, 9));
        time.Advance(TimeSpan.FromDays(2));

        var archived = await Retention().ArchiveAsync(Operator, time.GetUtcNow(), CancellationToken.None);

        var removal = archived.Value!;
        Assert.Equal((1L, 5L, 1L, 2L), (removal.FirstSequence, removal.LastSequence, removal.FirstBatch, removal.LastBatch));
        Assert.Equal(0, store.HotEntries);
        Assert.Equal("audit.archived", store.Audited.Single().Action);
        var archive = await files.ReadAsync(removal.FileName!);
        Assert.Equal(AuditVerificationStatus.Verified, AuditArchiveVerifier.Verify(archive, roots).Status);
    }

    [Fact]
    public async Task Archiving_and_deleting_need_the_platform_operator_role_and_a_past_cut_off()
    {
        Seed();

        Assert.Equal(ErrorKind.Forbidden, (await Retention().ArchiveAsync(TenantOperator, Start, CancellationToken.None)).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Retention().DeleteAsync(Auditor, Start, CancellationToken.None)).Error!.Kind);
        Assert.True((await Retention().ArchiveAsync(Operator, null, CancellationToken.None)).Error!.Fields.ContainsKey("before"));
        var future = await Retention().ArchiveAsync(Operator, Start.AddDays(1), CancellationToken.None);
        Assert.Equal(["Must not be in the future."], future.Error!.Fields["before"]);
        Assert.True((await Retention().StatusAsync(Auditor, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Nothing_to_archive_is_a_conflict_naming_the_cut_off()
    {
        Seed();
        time.Advance(TimeSpan.FromDays(1));

        var result = await Retention().ArchiveAsync(Operator, Start.AddMinutes(30), CancellationToken.None);

        Assert.Equal(ErrorKind.Conflict, result.Error!.Kind);
        Assert.Contains("nothing to remove", result.Error.Fields["before"][0], StringComparison.Ordinal);
    }

    private sealed class InMemoryRetentionStore : IAuditRetentionStore
    {
        private readonly List<AuditEntry> hot = [];

        public List<AuditBatch> Batches { get; } = [];

        public List<AuditRemoval> Removals { get; } = [];

        public List<AuditEvent> Audited { get; } = [];

        public int HotEntries => hot.Count;

        public void Add(AuditBatch batch, IReadOnlyList<AuditEntry> entries)
        {
            Batches.Add(batch with { Anchor = new AnchorRecord("0x01", 1, batch.SealedAt) });
            hot.AddRange(entries);
        }

        public Task<AuditRemovalPlan?> PlanRemovalAsync(DateTimeOffset before, int maxEntries, CancellationToken cancellationToken)
        {
            var chosen = new List<AuditBatch>();
            foreach (var batch in Batches.Where(b => hot.Any(e => e.Seal!.BatchId == b.Id)))
            {
                if (batch.Anchor is null || hot.Where(e => e.Seal!.BatchId == batch.Id).Max(e => e.Time) >= before)
                {
                    break;
                }

                chosen.Add(batch);
            }

            return Task.FromResult(chosen.Count == 0 ? null : new AuditRemovalPlan(
                chosen, [.. hot.Where(e => chosen.Any(b => b.Id == e.Seal!.BatchId)).OrderBy(e => e.Seal!.Sequence)],
                Removals.LastOrDefault()?.Last, Removals.Count + 1));
        }

        public Task CommitRemovalAsync(AuditRemoval removal, AuditEvent audit, CancellationToken cancellationToken)
        {
            hot.RemoveAll(e => e.Seal!.Sequence >= removal.FirstSequence && e.Seal.Sequence <= removal.LastSequence);
            Removals.Add(removal);
            Audited.Add(audit);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<AuditRemoval>> ListRemovalsAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<AuditRemoval>>([.. Removals]);
    }

    private sealed class InMemoryArchiveFiles : IAuditArchiveFiles
    {
        public Dictionary<string, byte[]> Files { get; } = [];

        public async Task<(string FileName, byte[] Sha256)> WriteAsync(AuditArchive archive, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream();
            await AuditArchiveFormat.WriteAsync(stream, archive, cancellationToken);
            var name = $"archive-{archive.Id}.json";
            Files[name] = stream.ToArray();
            return (name, System.Security.Cryptography.SHA256.HashData(Files[name]));
        }

        public Stream? OpenRead(string fileName) => Files.TryGetValue(fileName, out var bytes) ? new MemoryStream(bytes) : null;

        public async Task<AuditArchive> ReadAsync(string name)
        {
            await using var stream = OpenRead(name)!;
            return await AuditArchiveFormat.ReadAsync(stream, CancellationToken.None);
        }
    }
}
