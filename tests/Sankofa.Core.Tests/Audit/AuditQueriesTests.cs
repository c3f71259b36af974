using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Tests.Fakes;

namespace Sankofa.Core.Tests.Audit;

/// <summary>The audit log's reads over an in-memory store: platform-only access, parameter validation by name, batches with entries.</summary>
public sealed class AuditQueriesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly Caller Auditor = new("au", "eve", [new RoleGrant(Roles.Auditor)]);

    private readonly FakeAuditStore store = new();
    private readonly AuditQueries queries;

    public AuditQueriesTests()
    {
        queries = new AuditQueries(store, new FakeAuditAnchorLedger());
        var anchor = new AnchorRecord("0x" + new string('a', 64), 42, Now);
        store.Waiting.Enqueue(new AuditBatch(1, new byte[32], 1, 1, Now, anchor));
        store.SealNextBatchAsync(10, Now, default).GetAwaiter().GetResult();
        store.MarkAnchoredAsync([(1, anchor)], default).GetAwaiter().GetResult();
        store.AddEntry(Entry(1, new AuditSeal(1, new byte[32], new byte[32], 1, 0, [])));
        store.AddEntry(Entry(2, null));
    }

    [Fact]
    public async Task Each_listed_entry_carries_its_batch_so_a_sealed_one_shows_its_anchor_and_an_unsealed_one_none()
    {
        var page = await queries.ListAsync(Auditor, new AuditQuery(), default);

        Assert.Equal([2L, 1], page.Value!.Items.Select(v => v.Entry.Id));
        Assert.Null(page.Value.Items[0].Batch);
        Assert.Equal(42, page.Value.Items[1].Batch!.Anchor!.BlockNumber);
        Assert.Null(page.Value.Next);
    }

    [Theory]
    [InlineData("auditor@a")]
    [InlineData("tenant-admin@a")]
    [InlineData("operator@a")]
    public async Task Only_platform_wide_audit_readers_read_the_log_and_a_tenant_role_is_forbidden_naming_the_permission(string claim)
    {
        Assert.True(RoleGrant.TryParse(claim, out var grant));
        var caller = new Caller("u", "u", [grant]);

        var refusals = new[]
        {
            (await queries.ListAsync(caller, new AuditQuery(), default)).Error,
            (await queries.GetEntryAsync(caller, 1, default)).Error,
            (await queries.GetBatchAsync(caller, 1, default)).Error,
            (await queries.ChainAsync(caller, 1, 10, default)).Error,
        };

        Assert.All(refusals, e => Assert.Equal((ErrorKind.Forbidden, Permission.AuditRead.ToName()), (e!.Kind, e.MissingPermission)));
    }

    [Fact]
    public async Task Bad_list_and_chain_parameters_are_refused_as_invalid_naming_each_field()
    {
        var list = await queries.ListAsync(Auditor, new AuditQuery(From: Now, To: Now, Before: 0, Limit: 0), default);
        var chain = await queries.ChainAsync(Auditor, 0, AuditQueries.MaxPageSize + 1, default);

        Assert.Equal(ErrorKind.Invalid, list.Error!.Kind);
        Assert.Equal(["before", "limit", "to"], list.Error.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["fromSequence", "limit"], chain.Error!.Fields.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_missing_entry_or_batch_is_not_found_naming_the_id_and_an_existing_entry_comes_with_its_batch()
    {
        var entry = await queries.GetEntryAsync(Auditor, 1, default);
        var missingEntry = await queries.GetEntryAsync(Auditor, 99, default);
        var missingBatch = await queries.GetBatchAsync(Auditor, 99, default);

        Assert.Equal(1, entry.Value!.Batch!.Id);
        Assert.Equal((ErrorKind.NotFound, ErrorKind.NotFound), (missingEntry.Error!.Kind, missingBatch.Error!.Kind));
        Assert.Equal(["id"], missingEntry.Error.Fields.Keys);
        Assert.Equal(["id"], missingBatch.Error.Fields.Keys);
    }

    private static AuditEntry Entry(long id, AuditSeal? seal) =>
        new(id, Now, "api:ada", "provisioning.resource.requested", "resource:vm-" + id, new byte[32], "{}", seal);
}
