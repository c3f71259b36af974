using System.Diagnostics;
using System.Text.Json;
using Sankofa.Bench.Harness;
using Sankofa.Core.Audit;
using Sankofa.Core.Billing;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;
using Sankofa.Server.Audit;
using Sankofa.Server.Billing;
using Sankofa.TestSupport.Billing;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// <see cref="InvoiceVerifier.Verify"/> on one invoice of <c>resources</c> resources over <c>hours</c> hours, in memory:
/// the evidence sealed exactly as the store and the audit sealer seal it (one audit entry per tenant-hour,
/// <see cref="UsageSeal.Events"/>, batches of 4,096 as the anchoring worker cuts them), the invoice built from the same
/// hours, the chain's roots and issued record made up from them. What <c>sankofa billing verify</c> does once it holds the
/// evidence and the chain's answers (the REST and chain reads are <see cref="BillingRunBenchmark"/>'s CLI figure).
/// Optionally each resource-hour's availability is sealed too (a second entry per tenant-hour, as a real VM's invoice has).
/// Baseline in the same run: <see cref="AuditVerifier.VerifyEntry"/> alone on the same entries, in a bare loop.
/// </summary>
internal static class InvoiceVerifyBenchmark
{
    public const double GoalSeconds = 1;

    private const int BatchSize = 4096;

    public static void Run(int resources, int hours, bool availability, int rounds)
    {
        var what = $"{resources:N0} resources x {hours} h{(availability ? " + availability hours" : "")}";
        Report.Section($"Billing 3a. InvoiceVerifier.Verify in memory: {what}");
        var clock = Stopwatch.StartNew();
        var (invoice, evidence, roots, onChain) = Issue(resources, hours, availability);
        var book = GoldenInvoice.Book();
        var bookHash = book.Hash();
        var batches = evidence.Batches.ToDictionary(b => b.Id);
        var bytes = JsonBytes(evidence);
        Report.Note($"{evidence.Entries.Count:N0} sealed tenant-hours in {evidence.Batches.Count:N0} batches, built in {clock.Elapsed.TotalSeconds:0.0} s; "
                    + $"evidence as JSON (the REST shape): {bytes / 1048576.0:0.0} MiB ({bytes / evidence.Entries.Count:N0} B per entry); {invoice.Lines.Count:N0} lines, total {invoice.Total:N0}");

        var verify = new List<double>();
        var bare = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            clock.Restart();
            var result = InvoiceVerifier.Verify(invoice, evidence, book, bookHash, onChain, roots);
            verify.Add(clock.Elapsed.TotalSeconds);
            if (result.Status != AuditVerificationStatus.Verified)
            {
                throw new InvalidOperationException("The benchmark's invoice does not verify: " + string.Join("; ", result.Problems.Take(5)));
            }

            clock.Restart();
            foreach (var entry in evidence.Entries)
            {
                if (AuditVerifier.VerifyEntry(entry, batches[entry.Seal!.BatchId], roots[entry.Seal.BatchId]).Status != AuditVerificationStatus.Verified)
                {
                    throw new InvalidOperationException($"entry {entry.Id} does not verify");
                }
            }

            bare.Add(clock.Elapsed.TotalSeconds);
            Report.Note($"round {round + 1}: Verify {verify[^1]:0.000} s, VerifyEntry alone {bare[^1]:0.000} s");
        }

        Report.Add(new Figure($"billing: InvoiceVerifier.Verify, {what} ({evidence.Entries.Count:N0} entries), median of {rounds}", Stats.Median(verify), "s",
            Stats.Median(bare), $"{evidence.Entries.Count:N0} VerifyEntry calls alone", GoalSeconds, GoalKind.AtMost));
    }

    /// <summary>Evidence sealed as the store seals it, the invoice built from it, and a pretend chain holding both.</summary>
    internal static (Invoice Invoice, InvoiceEvidence Evidence, IReadOnlyDictionary<long, OnChainRoot> Roots, OnChainInvoice OnChain) Issue(
        int resources, int hours, bool availability)
    {
        var random = new Random(15);
        var start = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var end = start.AddHours(hours);
        const string Tenant = "t-verify";
        var sizes = Enumerable.Range(0, resources).Select(_ => (VCpu: 1 + random.Next(16), Ram: 512L * (1 + random.Next(128)), Disk: 10L + random.Next(490))).ToArray();
        var usage = new Dictionary<string, RatedUsage>(StringComparer.Ordinal);
        var measured = new Dictionary<string, ResourceAvailability>(StringComparer.Ordinal);
        var unsealed = new List<AuditEntry>(hours * (availability ? 2 : 1));

        // Sealed as the store seals complete hours: an hour's entries (one per tenant-hour) after the hour before.
        for (var h = 0; h < hours; h++)
        {
            var hour = start.AddHours(h);
            var (records, up) = (new List<UsageRecord>(resources), new List<AvailabilityHour>(resources));
            for (var r = 0; r < resources; r++)
            {
                var (id, project) = ($"vm-{r:D5}", $"p-{r % 10}");
                var (vcpu, ram, disk) = sizes[r];
                var record = new UsageRecord(id, Tenant, project, hour, 3600, vcpu * 3600L, ram * 3600, disk * 3600);
                var sum = usage.GetValueOrDefault(id) ?? new RatedUsage(id, project, (SiteTier)(r % 3), 0, 0, 0, 0);
                usage[id] = sum with
                {
                    Seconds = sum.Seconds + record.Seconds, VCpuSeconds = sum.VCpuSeconds + record.VCpuSeconds, RamMiBSeconds = sum.RamMiBSeconds + record.RamMiBSeconds,
                    DiskGiBSeconds = sum.DiskGiBSeconds + record.DiskGiBSeconds,
                };
                records.Add(record);
                if (availability)
                {
                    // One VM in fifty is down 10 minutes in one hour of the period: a credit on its line.
                    var down = r % 50 == 7 && h == hours / 2 ? 600 : 0;
                    var known = measured.GetValueOrDefault(id) ?? new ResourceAvailability(id, 0, 0);
                    measured[id] = known with { ExpectedSeconds = known.ExpectedSeconds + 3600, DownSeconds = known.DownSeconds + down };
                    up.Add(new AvailabilityHour(id, Tenant, project, hour, 3600, down));
                }
            }

            foreach (var seal in UsageSeal.Events(records).Select(s => s.Event).Concat(AvailabilitySeal.Events(up).Select(s => s.Event)))
            {
                unsealed.Add(Entry(unsealed.Count + 1, seal, end));
            }
        }

        var entries = new List<AuditEntry>(unsealed.Count);
        var batches = new List<AuditBatch>();
        var roots = new Dictionary<long, OnChainRoot>();
        var head = new AuditChainHead(0, AuditHashing.Genesis.ToArray(), 0);
        for (var first = 0; first < unsealed.Count; first += BatchSize)
        {
            var (batch, sealedEntries) = AuditSealer.Seal(head, unsealed.GetRange(first, Math.Min(BatchSize, unsealed.Count - first)), end);
            batch = batch with { Anchor = new AnchorRecord("0x" + new string('a', 64), 7, end) };
            entries.AddRange(sealedEntries);
            batches.Add(batch);
            roots[batch.Id] = new OnChainRoot(batch.Id, batch.Root, batch.FirstSequence, batch.Count, 7);
            head = new AuditChainHead(sealedEntries[^1].Seal!.Sequence, sealedEntries[^1].Seal!.Hash, batch.Id);
        }

        var invoice = Invoice.Build(BillingRunService.InvoiceId(Tenant, start, end), Tenant, start, end, GoldenInvoice.Book(), UsageRoots.Commit(batches), 1_500,
            usage.Values, measured.Values);
        var onChain = new OnChainInvoice(new byte[32], invoice.Hash(), invoice.UsageRoots, "USD", start, end, 1, end, invoice.Total, invoice.CreditTotal,
            OnChainInvoiceState.Issued, null, null);
        return (invoice, new InvoiceEvidence(entries, batches), roots, onChain);
    }

    private static AuditEntry Entry(long id, AuditEvent e, DateTimeOffset time) =>
        new(id, time, e.Actor, e.Action, e.Subject, AuditHashing.PayloadHash(e.Payload), e.Payload, null);

    // The evidence's size as GET /api/v1/billing/invoices/{id}/evidence sends it (payloads in base64), counted, not kept.
    private static long JsonBytes(InvoiceEvidence evidence)
    {
        using var counter = new CountingStream();
        JsonSerializer.Serialize(counter, evidence.Entries.Select(e => EvidenceEntryResponse.From(e, null)), JsonSerializerOptions.Web);
        JsonSerializer.Serialize(counter, evidence.Batches.Select(b => b.ToResponse()), JsonSerializerOptions.Web);
        return counter.Length;
    }

    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
