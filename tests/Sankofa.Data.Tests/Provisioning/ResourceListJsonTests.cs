using System.Text;
using Microsoft.EntityFrameworkCore;
using Sankofa.Core;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Data.Provisioning;
using static Sankofa.Data.Tests.Provisioning.ProvisioningStoreTests;

namespace Sankofa.Data.Tests.Provisioning;

/// <summary>
/// Each resource's list item, kept in its row (<c>list_json</c>) so a list page reads one column a row, against real
/// SQLite and PostgreSQL: after every kind of write it is the item made from the resource as a read gives it back,
/// and a row whose item is missing or out of date is listed from its full row and written again at start.
/// </summary>
public sealed class ResourceListJsonTests
{
    public static TheoryData<string> Providers => TestStore.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Every_write_keeps_the_stored_list_item_equal_to_the_one_made_from_the_resource_read_back(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Provisioning;
        var (tenant, project) = await SeedAsync(store);
        var fresh = NewResource("vm-j");

        // Times below the millisecond the store keeps, text the JSON must escape, no SSH key and a key list that is one empty key.
        var created = await CreateAsync(store, tenant, project, fresh with
        {
            Name = "web <\"eins\"> & ü",
            CreatedAt = Now.AddTicks(1234), UpdatedAt = Now.AddTicks(5678), NextAttemptAt = Now.AddTicks(9),
            Placement = fresh.Placement with { SiteName = "Zürich \"Nord\"", Reason = "nearest; 'quoted' \U0001F680" },
        });
        await AssertKeptAsync(test, "vm-j");
        var other = await CreateAsync(store, (await store.GetTenantAsync("acme", CancellationToken.None))!, (await store.GetProjectAsync("web", CancellationToken.None))!,
            NewResource("vm-k") with { Spec = fresh.Spec with { SshKeys = [""], CloudInitUser = null } });
        await AssertKeptAsync(test, "vm-k");

        // The reconciler's steps: a VM, then Verified and metered.
        var cloning = await store.UpdateResourceAsync(created with { Status = ResourceStatus.Provisioning, Vm = new VirtualMachineRef("pve-1", 101), UpdatedAt = Now.AddSeconds(1.5) },
            new NewResourceEvent("vm.provisioning", "c"), null, null, CancellationToken.None);
        await AssertKeptAsync(test, "vm-j");
        var verified = await store.UpdateResourceAsync(cloning with { Status = ResourceStatus.Verified, VerifiedAt = Now.AddSeconds(2.25), UpdatedAt = Now.AddSeconds(2.25), MeteredUntil = Now },
            new NewResourceEvent("chain.verified", "v"), ProvisioningStoreTests.Audit("provisioning.resource.verified", "resource:vm-j"), null, CancellationToken.None);
        await AssertKeptAsync(test, "vm-j");

        // Claims, metering and an appended event change no field of the item, nor the version.
        Assert.NotEmpty(await store.ClaimDueAsync("test", Now.AddDays(1), Now.AddDays(2), 10, CancellationToken.None));
        await store.ReleaseClaimsAsync("test", Now, CancellationToken.None);
        var (usage, until) = UsageMeter.Meter(verified, Now.AddMinutes(30));
        await store.RecordUsageAsync("vm-j", usage, verified.MeteredUntil, until, CancellationToken.None);
        Assert.True(await store.AppendEventAsync("vm-j", new NewResourceEvent("drift", "d"), null, CancellationToken.None));
        await AssertKeptAsync(test, "vm-j");

        // A resize, then a failure and a deletion.
        var read = (await store.GetResourceAsync("vm-j", CancellationToken.None))!;
        var spec = read.Spec with { VCpu = 4, RamMiB = 8192 };
        var resized = await store.ResizeResourceAsync(read with { Spec = spec, SpecHash = spec.Hash(), Status = ResourceStatus.Resizing, UpdatedAt = Now.AddMinutes(31) },
            [], read.MeteredUntil, new ResourceTotals(2, 4096, 0, 0), new NewResourceEvent("resource.resize-requested", "r"),
            ProvisioningStoreTests.Audit("provisioning.resource.resize-requested", "resource:vm-j"), CancellationToken.None);
        await AssertKeptAsync(test, "vm-j");
        var deleting = await store.UpdateResourceAsync(resized with { Desired = DesiredState.Absent, Status = ResourceStatus.Deleting, UpdatedAt = Now.AddMinutes(40) },
            new NewResourceEvent("resource.delete-requested", "d"), null, null, CancellationToken.None);
        await AssertKeptAsync(test, "vm-j");
        await store.UpdateResourceAsync(deleting with { Status = ResourceStatus.Deleted, DeletedAt = Now.AddMinutes(41), UpdatedAt = Now.AddMinutes(41), Vm = null },
            new NewResourceEvent("vm.deleted", "gone"), null, new ResourceTotals(4, 8192, 20, 1), CancellationToken.None);
        await AssertKeptAsync(test, "vm-j");
        await store.UpdateResourceAsync(other with { Status = ResourceStatus.Failed, FailureReason = "Clone failed: \"disk\" <full>\n— retry", UpdatedAt = Now.AddHours(1) },
            new NewResourceEvent("vm.failed", "f"), null, new ResourceTotals(2, 4096, 20, 1), CancellationToken.None);
        await AssertKeptAsync(test, "vm-k");
        await AssertListsAlikeAsync(store);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_row_written_without_its_item_or_changed_by_a_writer_that_did_not_keep_it_is_listed_from_its_row_and_written_again_at_start(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Provisioning;
        var (tenant, project) = await SeedAsync(store, new ResourceTotals(100, 1_000_000, 10_000, 10));
        for (var i = 0; i < 5; i++)
        {
            (tenant, project) = (await store.GetTenantAsync("acme", CancellationToken.None), await store.GetProjectAsync("web", CancellationToken.None))!;
            await CreateAsync(store, tenant!, project!, NewResource($"vm-{i}") with { Name = $"n{4 - i}", Placement = NewResource("x").Placement with { SiteId = $"edge-00{i % 2}" } });
        }

        // As rows from before the column, and a server of an earlier version changing a row without the item.
        await using (var db = test.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE resources SET list_json = NULL, list_json_version = NULL WHERE id IN ('vm-0', 'vm-3')");
            await db.Database.ExecuteSqlRawAsync("UPDATE resources SET status = 'Failed', failure_reason = 'old writer', version = version + 1 WHERE id = 'vm-1'");
        }

        var page = await store.ListResourceJsonAsync(new ResourceQuery(), CancellationToken.None);
        Assert.Contains("\"failureReason\":\"old writer\"", Encoding.UTF8.GetString(page.Items.Single(i => Encoding.UTF8.GetString(i.Span).Contains("\"vm-1\"", StringComparison.Ordinal)).Span));
        await AssertListsAlikeAsync(store);

        // A read of one of them makes its item from the row too: the old writer's change shows.
        Assert.Contains("\"failureReason\":\"old writer\"", Encoding.UTF8.GetString((await store.GetResourceJsonAsync("vm-1", CancellationToken.None))!.Item));
        foreach (var id in new[] { "vm-0", "vm-1", "vm-3" })
        {
            await AssertReadAsKeptAsync(store, id);
        }

        // The start's backfill writes exactly those three, in batches, and then nothing more.
        Assert.Equal(3, await store.WriteMissingListJsonAsync(2, CancellationToken.None));
        Assert.Equal(0, await store.WriteMissingListJsonAsync(2, CancellationToken.None));
        for (var i = 0; i < 5; i++)
        {
            await AssertKeptAsync(test, $"vm-{i}");
        }

        await AssertListsAlikeAsync(store);
    }

    /// <summary>The row's kept item is for its version and is the item of the resource as the store reads it back.</summary>
    private static async Task AssertKeptAsync(TestStore test, string id)
    {
        ResourceRow row;
        await using (var db = test.CreateContext())
        {
            row = await db.Set<ResourceRow>().AsNoTracking().SingleAsync(r => r.Id == id);
        }

        var resource = (await test.Provisioning.GetResourceAsync(id, CancellationToken.None))!;
        Assert.Equal(row.Version, row.ListJsonVersion);
        Assert.Equal(Encoding.UTF8.GetString(ResourceListJson.Of(resource)), Encoding.UTF8.GetString(row.ListJson!));
        await AssertReadAsKeptAsync(test.Provisioning, id);
    }

    /// <summary>A read of one resource as its item (what GET /resources/{id} writes) is the item of the resource read back, with its tenant and last change.</summary>
    private static async Task AssertReadAsKeptAsync(ProvisioningStore store, string id)
    {
        var resource = (await store.GetResourceAsync(id, CancellationToken.None))!;
        var read = (await store.GetResourceJsonAsync(id, CancellationToken.None))!;
        Assert.Equal((resource.Id, resource.TenantId, resource.UpdatedAt), (read.Id, read.TenantId, read.UpdatedAt));
        Assert.Equal(Encoding.UTF8.GetString(ResourceListJson.Of(resource)), Encoding.UTF8.GetString(read.Item));
        Assert.Null(await store.GetResourceJsonAsync(id + "-missing", CancellationToken.None));
    }

    /// <summary>
    /// Every order, paged by two, for every caller (all tenants, one, one with nothing) and the newest first paged by
    /// 'before' too: the kept items and cursors are those made from the resources the store lists.
    /// </summary>
    private static async Task AssertListsAlikeAsync(ProvisioningStore store)
    {
        foreach (var tenants in new[] { null, new[] { "acme" }, new[] { "nobody" } })
        {
            foreach (var sort in Enum.GetValues<ResourceSort>())
            {
                foreach (var descending in new[] { true, false })
                {
                    ResourceCursor? after = null;
                    do
                    {
                        after = await AssertPageAlikeAsync(store, new ResourceQuery(Limit: 2, Tenants: tenants, Sort: sort, Descending: descending, After: after));
                    }
                    while (after is not null);
                }
            }

            long? before = null;
            do
            {
                var query = new ResourceQuery(Before: before, Limit: 2, Tenants: tenants);
                await AssertPageAlikeAsync(store, query);
                before = (await store.ListResourcesAsync(query, CancellationToken.None)).NextBefore;
            }
            while (before is not null);
        }

        // Another tenant's resources are never listed, whichever query reads them.
        Assert.Empty((await store.ListResourceJsonAsync(new ResourceQuery(Tenants: ["nobody"]), CancellationToken.None)).Items);
        Assert.NotEmpty((await store.ListResourceJsonAsync(new ResourceQuery(Tenants: ["nobody", "acme"]), CancellationToken.None)).Items);
    }

    private static async Task<ResourceCursor?> AssertPageAlikeAsync(ProvisioningStore store, ResourceQuery query)
    {
        var records = await store.ListResourcesAsync(query, CancellationToken.None);
        var kept = await store.ListResourceJsonAsync(query, CancellationToken.None);
        Assert.Equal(records.Items.Select(r => Encoding.UTF8.GetString(ResourceListJson.Of(r))), kept.Items.Select(i => Encoding.UTF8.GetString(i.Span)));
        Assert.Equal((records.NextBefore, records.Next), (kept.NextBefore, kept.Next));
        return records.Next;
    }
}
