using System.Security.Cryptography;
using System.Text;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Core.Billing;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;
using Sankofa.Data.Tests.Provisioning;

namespace Sankofa.Data.Tests.Billing;

/// <summary>
/// The invoice store against real SQLite and PostgreSQL: what a run waits for (metering, sealing, batching, anchoring)
/// and its evidence, runs added once and built once, pages by period, deposits once per reference.
/// </summary>
public sealed class InvoiceStoreTests
{
    private static readonly DateTimeOffset Now = ProvisioningStoreTests.Now; // 10:30

    public static TheoryData<string> Providers => TestStore.Providers;

    private static DateTimeOffset At(int hour) => new(2026, 3, 1, hour, 0, 0, TimeSpan.Zero);

    private static AuditEvent Audit(string id) => new("billing", "billing.run.started", "invoice:" + id, "{}");

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_period_waits_for_metering_sealing_batching_and_anchoring_and_its_evidence_is_its_sealed_hours(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var (resources, invoices) = (test.Provisioning, test.Invoices);
        var (tenant, project) = await ProvisioningStoreTests.SeedAsync(resources);
        var created = await ProvisioningStoreTests.CreateAsync(resources, tenant, project, ProvisioningStoreTests.NewResource("vm-a"));
        var verified = await resources.UpdateResourceAsync(created with { Status = ResourceStatus.Verified, VerifiedAt = Now, MeteredUntil = Now },
            new NewResourceEvent("chain.verified", "v"), null, null, CancellationToken.None);
        var (records, until) = UsageMeter.Meter(verified, At(12).AddMinutes(10));
        await resources.RecordUsageAsync("vm-a", records, verified.MeteredUntil, until, CancellationToken.None);
        Assert.Equal(2, await resources.SealCompletedHoursAsync(100, CancellationToken.None)); // 10:00 and 11:00; 12:00 is open

        static (int, int, int, int) Counts(EvidenceState s) => (s.UnmeteredResources, s.UnsealedHours, s.UnbatchedEntries, s.Batches.Count);
        Assert.Equal((1, 1, 2, 0), Counts(await invoices.GetEvidenceStateAsync("acme", At(10), At(13), CancellationToken.None))); // metered to 12:10 only
        Assert.Equal((0, 0, 2, 0), Counts(await invoices.GetEvidenceStateAsync("acme", At(10), At(12), CancellationToken.None)));
        Assert.Equal((0, 0, 0, 0), Counts(await invoices.GetEvidenceStateAsync("globex", At(10), At(12), CancellationToken.None)));
        Assert.Equal(["acme"], await invoices.GetTenantsWithUsageAsync(At(10), At(12), CancellationToken.None));
        Assert.Empty(await invoices.GetTenantsWithUsageAsync(At(13), At(14), CancellationToken.None));

        var batch = (await test.Audit.SealNextBatchAsync(1000, Now, CancellationToken.None))!;
        var state = await invoices.GetEvidenceStateAsync("acme", At(10), At(12), CancellationToken.None);
        Assert.Equal((0, batch.Id, false), (state.UnbatchedEntries, Assert.Single(state.Batches).Id, state.Batches[0].Anchor is not null));
        await test.Audit.MarkAnchoredAsync([(batch.Id, new AnchorRecord("0x01", 10, Now))], CancellationToken.None);
        Assert.NotNull(Assert.Single((await invoices.GetEvidenceStateAsync("acme", At(10), At(12), CancellationToken.None)).Batches).Anchor);

        var evidence = await invoices.GetEvidenceAsync("acme", At(10), At(12), null, 100, CancellationToken.None);
        Assert.Equal([UsageSeal.Action, UsageSeal.Action], evidence.Entries.Select(e => e.Action));
        Assert.All(evidence.Entries, e => Assert.Equal(batch.Id, e.Seal!.BatchId));
        // Payloads come as the bytes stored, which are the bytes hashed when the entry was written.
        Assert.All(evidence.Entries, e => Assert.Null(e.Payload));
        Assert.Equal(evidence.Entries.Select(e => e.PayloadHash), evidence.Payloads!.Select(p => SHA256.HashData(p.Span)));
        Assert.Equal([At(10), At(11)], evidence.Payloads!.Select(p => UsageSeal.Parse(Encoding.UTF8.GetString(p.Span))![0].HourStart));
        Assert.Equal(batch.Root, Assert.Single(evidence.Batches).Root);
        Assert.Null(evidence.Next);

        // A page at a time: the cursor is the last entry read, and the last page says so.
        var first = await invoices.GetEvidenceAsync("acme", At(10), At(12), null, 1, CancellationToken.None);
        Assert.Equal((evidence.Entries[0].Id, evidence.Entries[0].Id), (Assert.Single(first.Entries).Id, first.Next));
        var second = await invoices.GetEvidenceAsync("acme", At(10), At(12), first.Next, 1, CancellationToken.None);
        Assert.Equal((evidence.Entries[1].Id, (long?)null), (Assert.Single(second.Entries).Id, second.Next));
        Assert.Equal(batch.Id, Assert.Single(second.Batches).Id);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Runs_are_added_and_built_once_paged_by_period_and_deposits_recorded_once_per_reference(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Invoices;
        StoredInvoice Run(string tenant, int month) =>
            new(BillingRunService.InvoiceId(tenant, At(0).AddMonths(month), At(0).AddMonths(month + 1)), tenant, At(0).AddMonths(month), At(0).AddMonths(month + 1),
                InvoiceStatus.Waiting, "the period to close", Now, "usr-1", null, null, null, null, null, null);

        var first = await store.AddRunAsync(Run("acme", 0), Audit("a"), CancellationToken.None);
        Assert.Equal(first, await store.AddRunAsync(Run("acme", 0) with { CreatedBy = "someone else" }, Audit("a"), CancellationToken.None)); // asked twice: one run
        await store.AddRunAsync(Run("acme", 1), Audit("b"), CancellationToken.None);
        await store.AddRunAsync(Run("acme", 2), Audit("c"), CancellationToken.None);
        await store.AddRunAsync(Run("globex", 1), Audit("d"), CancellationToken.None);

        // Newest period first, then id; the cursor picks up where the page ended; the tenant filter holds.
        var page = await store.ListAsync(new InvoiceQuery(null, null, null, null, 2), CancellationToken.None);
        Assert.Equal([Run("acme", 2).Id, Run("acme", 1).Id], page.Items.Select(i => i.Id));
        page = await store.ListAsync(new InvoiceQuery(null, null, null, page.Next, 2), CancellationToken.None);
        Assert.Equal([Run("globex", 1).Id, Run("acme", 0).Id], page.Items.Select(i => i.Id));
        Assert.Null(page.Next);
        Assert.Equal([Run("globex", 1).Id], (await store.ListAsync(new InvoiceQuery(new HashSet<string> { "globex" }, null, null, null, 10), CancellationToken.None)).Items.Select(i => i.Id));

        // Built once: the invoice round-trips to the same canonical hash; a second build changes nothing.
        var invoice = Invoice.Build(first.Id, "acme", first.PeriodStart, first.PeriodEnd, new PriceBook(1, At(0), "USD", 2,
            [.. new[] { SiteTier.Core, SiteTier.Regional, SiteTier.Edge }.SelectMany(t => Enum.GetValues<BillingDimension>().Select(d => new Price(t, d, 1_000_000)))]),
            new byte[32], 1500, [new RatedUsage("vm-a", "web", SiteTier.Edge, 3600, 7200, 4096L * 3600, 72_000)], [new ResourceAvailability("vm-a", 3600, 900)]);
        await store.SetWaitingAsync(first.Id, "batch 3 to be anchored", Now, CancellationToken.None);
        Assert.Equal("batch 3 to be anchored", (await store.GetAsync(first.Id, CancellationToken.None))!.WaitingFor);
        await store.BuildAsync(first.Id, invoice, Audit("built"), CancellationToken.None);
        await store.BuildAsync(first.Id, invoice with { TaxBasisPoints = 0 }, Audit("built"), CancellationToken.None);
        var built = (await store.GetAsync(first.Id, CancellationToken.None))!;
        Assert.Equal((InvoiceStatus.Issuing, (string?)null), (built.Status, built.WaitingFor));
        Assert.Equal(invoice.Hash(), built.Invoice!.Hash());
        Assert.Equal([first.Id], (await store.GetByStatusAsync([InvoiceStatus.Issuing], 10, CancellationToken.None)).Select(i => i.Id));
        await store.UpdateAsync(first.Id, InvoiceStatus.Final, new LedgerReceipt("0xab", 7), "0xc1", null, null, Now, CancellationToken.None);
        var final = (await store.GetAsync(first.Id, CancellationToken.None))!;
        Assert.Equal((InvoiceStatus.Final, "0xab", "0xc1"), (final.Status, final.Issued!.TransactionHash, final.Customer));

        var deposit = new Deposit("wire-1", "acme", "USD", 5_000, Now, "usr-1", null);
        await store.AddDepositAsync(deposit, Audit("dep"), CancellationToken.None);
        await Assert.ThrowsAsync<StoreConflictException>(() => store.AddDepositAsync(deposit with { Amount = 1 }, Audit("dep"), CancellationToken.None));
        Assert.Equal(["wire-1"], (await store.GetUnrecordedDepositsAsync(CancellationToken.None)).Select(d => d.Reference));
        await store.MarkDepositRecordedAsync("wire-1", new LedgerReceipt("0xde", 9), CancellationToken.None);
        Assert.Empty(await store.GetUnrecordedDepositsAsync(CancellationToken.None));
        Assert.Equal((5_000L, "0xde"), ((await store.GetDepositAsync("wire-1", CancellationToken.None))!.Amount, Assert.Single(await store.ListDepositsAsync("acme", CancellationToken.None)).Recorded!.TransactionHash));
    }
}
