using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;

namespace Sankofa.Core.Billing;

/// <summary>What verifying an invoice found.</summary>
/// <param name="InvoiceId">The invoice.</param>
/// <param name="Status">Verified when the invoice recomputed from the proven evidence hashes to the hash on chain.</param>
/// <param name="Problems">Each mismatch in words (naming the line, entry or batch); empty when verified.</param>
/// <param name="Entries">Sealed hours checked against the chain's roots.</param>
/// <param name="Batches">Batches whose roots were read from the chain.</param>
public sealed record InvoiceVerification(string InvoiceId, AuditVerificationStatus Status, IReadOnlyList<string> Problems, int Entries, int Batches);

/// <summary>
/// Recomputes an invoice the way a customer or an auditor does on their own machine (docs/billing.md): every sealed hour
/// proven against the root the chain holds for its batch, the hours summed per resource, rated at the price book whose
/// hash the chain holds, credited by the SLA schedule from the proven availability, and hashed; the result must be the
/// hash the chain issued, with the commitment to the same batches. The invoice as served is only used to name where a
/// difference lies, and for what the evidence cannot say (each resource's tier, the tax rate), which the hash covers.
/// </summary>
public static class InvoiceVerifier
{
    private const int MaxProblems = 50;

    /// <summary>Verifies <paramref name="served"/> from all of its evidence at once.</summary>
    /// <param name="served">The invoice as the server gave it.</param>
    /// <param name="evidence">The sealed hours and their batches as the server gave them.</param>
    /// <param name="prices">The price book the invoice names, as the server gave it.</param>
    /// <param name="chainPriceBookHash">The hash the chain holds for that version; null when none.</param>
    /// <param name="onChain">The invoice as the chain holds it; null when never issued.</param>
    /// <param name="chainRoots">The chain's roots of the evidence's batches, by batch id.</param>
    public static InvoiceVerification Verify(
        Invoice served, InvoiceEvidence evidence, PriceBook prices, byte[]? chainPriceBookHash, OnChainInvoice? onChain,
        IReadOnlyDictionary<long, OnChainRoot> chainRoots)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var check = Start(served);
        check.Add(evidence.Entries, evidence.Payloads, evidence.Batches, chainRoots);
        return check.Finish(prices, chainPriceBookHash, onChain);
    }

    /// <summary>
    /// Starts verifying <paramref name="served"/> from evidence that arrives in pages (<c>Add</c> each
    /// as it comes, from any thread), so reading the next page and checking this one overlap.
    /// </summary>
    public static InvoiceCheck Start(Invoice served) => new(served);

    /// <summary>An invoice being verified page by page; <see cref="Finish"/> gives the verdict.</summary>
    public sealed class InvoiceCheck
    {
        private readonly Invoice served;
        private readonly List<(long FirstEntry, Sums Sums)> pages = [];
        private readonly Dictionary<long, AuditBatch> batches = [];
        private readonly Dictionary<long, OnChainRoot> roots = [];
        private int entries;
        private bool finished;

        internal InvoiceCheck(Invoice served)
        {
            ArgumentNullException.ThrowIfNull(served);
            this.served = served;
        }

        /// <summary>Proves one page of evidence against the chain's roots and sums its hours.</summary>
        /// <param name="entries">Sealed hours, ascending by id; pages must not overlap.</param>
        /// <param name="batches">The batches those entries are in.</param>
        /// <param name="chainRoots">The chain's roots of those batches, by batch id (read from the chain itself).</param>
        public void Add(IReadOnlyList<AuditEntry> entries, IEnumerable<AuditBatch> batches, IReadOnlyDictionary<long, OnChainRoot> chainRoots) =>
            Add(entries, null, batches, chainRoots);

        /// <summary>
        /// As <see cref="Add(IReadOnlyList{AuditEntry}, IEnumerable{AuditBatch}, IReadOnlyDictionary{long, OnChainRoot})"/>,
        /// with each entry's payload given as the UTF-8 bytes that are hashed (its <see cref="AuditEntry.Payload"/> unused):
        /// what a verifier that downloads payloads as bytes holds, with no string made of tens of MiB of them.
        /// </summary>
        /// <param name="entries">Sealed hours, ascending by id; pages must not overlap.</param>
        /// <param name="payloads">Each entry's payload, at the same index.</param>
        /// <param name="batches">The batches those entries are in.</param>
        /// <param name="chainRoots">The chain's roots of those batches, by batch id (read from the chain itself).</param>
        public void Add(
            IReadOnlyList<AuditEntry> entries, IReadOnlyList<ReadOnlyMemory<byte>>? payloads, IEnumerable<AuditBatch> batches, IReadOnlyDictionary<long, OnChainRoot> chainRoots)
        {
            ArgumentNullException.ThrowIfNull(entries);
            ArgumentNullException.ThrowIfNull(batches);
            ArgumentNullException.ThrowIfNull(chainRoots);
            ArgumentOutOfRangeException.ThrowIfNotEqual(payloads?.Count ?? entries.Count, entries.Count, nameof(payloads));
            var byId = batches.ToDictionary(b => b.Id);

            // A month is tens of MiB of payloads, so a large page is split in contiguous parts read on every core and
            // their sums merged in order (problems keep the entries' order).
            var parts = Enumerable.Range(0, Math.Clamp(entries.Count / 64, 1, Environment.ProcessorCount)).Select(_ => new Sums()).ToArray();
            var size = (entries.Count + parts.Length - 1) / parts.Length;
            Parallel.For(0, parts.Length, p =>
            {
                for (var i = p * size; i < Math.Min(entries.Count, (p + 1) * size); i++)
                {
                    var entry = entries[i];
                    var batch = entry.Seal is { } seal ? byId.GetValueOrDefault(seal.BatchId) : null;
                    var root = entry.Seal is { } s ? chainRoots.GetValueOrDefault(s.BatchId) : null;
                    if (payloads is not null)
                    {
                        parts[p].Check(entry, payloads[i].Span, true, batch, root, served);
                    }
                    else if (entry.Payload is not { } text)
                    {
                        parts[p].Check(entry, default, false, batch, root, served);
                    }
                    else
                    {
                        // The payload's bytes are what is hashed and read: encoded once, into a pooled buffer.
                        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
                        parts[p].Check(entry, buffer.AsSpan(0, Encoding.UTF8.GetBytes(text, buffer)), true, batch, root, served);
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            });

            foreach (var part in parts.Skip(1))
            {
                parts[0].Merge(part);
            }

            lock (pages)
            {
                ObjectDisposedException.ThrowIf(finished, this);
                pages.Add((entries.Count == 0 ? long.MaxValue : entries[0].Id, parts[0]));
                this.entries += entries.Count;
                foreach (var (id, batch) in byId)
                {
                    this.batches.TryAdd(id, batch);
                }

                foreach (var (id, root) in chainRoots)
                {
                    roots.TryAdd(id, root);
                }
            }
        }

        /// <summary>Rates the proven hours, hashes the recomputed invoice and compares it with the chain's; once.</summary>
        /// <param name="prices">The price book the invoice names, as the server gave it.</param>
        /// <param name="chainPriceBookHash">The hash the chain holds for that version; null when none.</param>
        /// <param name="onChain">The invoice as the chain holds it; null when never issued.</param>
        public InvoiceVerification Finish(PriceBook prices, byte[]? chainPriceBookHash, OnChainInvoice? onChain)
        {
            ArgumentNullException.ThrowIfNull(prices);
            if (onChain is null)
            {
                return new(served.Id, AuditVerificationStatus.Failed, [$"invoice {served.Id} is not issued on chain"], 0, 0);
            }

            var problems = new List<string>();
            if (prices.Version != served.PriceBookVersion)
            {
                problems.Add($"the price book given is version {prices.Version}, the invoice names {served.PriceBookVersion}");
            }

            if (chainPriceBookHash is null || !prices.Hash().AsSpan().SequenceEqual(chainPriceBookHash))
            {
                problems.Add($"price book {prices.Version} does not hash to the hash the chain holds for it (prices changed, or never recorded)");
            }

            lock (pages)
            {
                // Pages are merged into the first: a second verdict would count them twice.
                ObjectDisposedException.ThrowIf(finished, this);
                finished = true;
                pages.Sort((a, b) => a.FirstEntry.CompareTo(b.FirstEntry));
                var sums = pages.Count > 0 ? pages[0].Sums : new Sums();
                foreach (var (_, later) in pages.Skip(1))
                {
                    sums.Merge(later);
                }

                problems.AddRange(sums.Problems);
                problems.AddRange(sums.Repeated());
                var usage = sums.Usage;

                // Recompute: the lines from the proven hours (tier as served: the hash covers it), the credits from the proven availability.
                var tiers = served.Lines.ToDictionary(l => l.ResourceId, l => l.Tier, StringComparer.Ordinal);
                foreach (var resource in usage.Keys.Where(r => !tiers.ContainsKey(r)))
                {
                    problems.Add($"resource {resource} has proven usage in the period but no line on the invoice");
                }

                foreach (var line in served.Lines.Where(l => !usage.ContainsKey(l.ResourceId)))
                {
                    problems.Add($"line {line.ResourceId}: no sealed usage in the evidence proves it");
                }

                var rootsCommitment = UsageRoots.Commit(batches.Keys.Where(roots.ContainsKey).Select(id => new KeyValuePair<long, byte[]>(id, roots[id].Root)));
                var recomputed = Invoice.Build(served.Id, served.TenantId, served.PeriodStart, served.PeriodEnd, prices, rootsCommitment, served.TaxBasisPoints,
                    usage.Values.Where(u => tiers.ContainsKey(u.ResourceId)).Select(u => new RatedUsage(
                        u.ResourceId, u.ProjectId, tiers[u.ResourceId], u.Seconds, u.VCpuSeconds, u.RamMiBSeconds, u.DiskGiBSeconds)),
                    sums.Availability.Values.Select(a => new ResourceAvailability(a.ResourceId, a.ExpectedSeconds, a.DownSeconds)));
                problems.AddRange(Differences(served, recomputed));
                if (!rootsCommitment.AsSpan().SequenceEqual(onChain.UsageRoots))
                {
                    problems.Add("the evidence's batches and the chain's roots do not give the usage-roots commitment the chain issued");
                }

                if (!recomputed.Hash().AsSpan().SequenceEqual(onChain.Hash))
                {
                    problems.Add($"the invoice recomputed from the evidence hashes to 0x{Convert.ToHexStringLower(recomputed.Hash())}, the chain holds 0x{Convert.ToHexStringLower(onChain.Hash)}");
                }

                var status = problems.Count == 0 ? AuditVerificationStatus.Verified : sums.Pending ? AuditVerificationStatus.Pending : AuditVerificationStatus.Failed;
                return new(served.Id, status, problems.Count > MaxProblems ? [.. problems.Take(MaxProblems), $"… and {problems.Count - MaxProblems} more"] : problems,
                    entries, roots.Count);
            }
        }
    }

    // The proven hours summed per resource, with the range of resources each entry held to find a resource's hour that
    // comes twice.
    private sealed class Sums
    {
        // Rows inside one entry are distinct and ascending (the canonical form orders them strictly), and the sealer splits
        // a tenant-hour only at row boundaries, so the entries of one kind and hour hold disjoint ranges of resources:
        // ranges are compared at the end, and an invoice's usual one entry per tenant-hour costs nothing.
        private readonly Dictionary<(string Action, DateTimeOffset Hour), List<(long Entry, string First, string Last)>> held = [];
        private readonly Dictionary<string, UsageSum>.AlternateLookup<ReadOnlySpan<char>> usageOf;
        private readonly Dictionary<string, AvailabilitySum>.AlternateLookup<ReadOnlySpan<char>> availabilityOf;
        private readonly TenantHourSeal.RowVisitor addUsage;
        private readonly TenantHourSeal.RowVisitor addAvailability;

        public Sums()
        {
            // Rows are summed straight from the payload's text: a resource's id becomes a string once, not once an hour.
            usageOf = Usage.GetAlternateLookup<ReadOnlySpan<char>>();
            availabilityOf = Availability.GetAlternateLookup<ReadOnlySpan<char>>();
            addUsage = AddUsage;
            addAvailability = AddAvailability;
        }

        public Dictionary<string, UsageSum> Usage { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, AvailabilitySum> Availability { get; } = new(StringComparer.Ordinal);

        public List<string> Problems { get; } = [];

        public bool Pending { get; set; }

        // Adds a later part's sums, ranges held and problems to this one's.
        public void Merge(Sums later)
        {
            foreach (var (resource, sum) in later.Usage)
            {
                ref var into = ref CollectionsMarshal.GetValueRefOrAddDefault(Usage, resource, out _);
                (into ??= new UsageSum(resource, sum.ProjectId)).Add(sum.Seconds, sum.VCpuSeconds, sum.RamMiBSeconds, sum.DiskGiBSeconds);
            }

            foreach (var (resource, sum) in later.Availability)
            {
                ref var into = ref CollectionsMarshal.GetValueRefOrAddDefault(Availability, resource, out _);
                (into ??= new AvailabilitySum(resource)).Add(sum.ExpectedSeconds, sum.DownSeconds);
            }

            foreach (var (key, entries) in later.held)
            {
                ref var into = ref CollectionsMarshal.GetValueRefOrAddDefault(held, key, out _);
                (into ??= []).AddRange(entries);
            }

            Problems.AddRange(later.Problems);
            Pending |= later.Pending;
        }

        // Proves an entry (its payload given as bytes, when it has one) against its batch and the chain's root, then adds
        // its hours.
        public void Check(AuditEntry entry, ReadOnlySpan<byte> payload, bool hasPayload, AuditBatch? batch, OnChainRoot? root, Invoice invoice)
        {
            var changed = hasPayload && !SHA256.HashData(payload).AsSpan().SequenceEqual(entry.PayloadHash);
            if (changed)
            {
                Problems.Add($"entry {entry.Id}: the payload does not match its payload hash (payload changed)");
            }

            // The rest of the audit checks (entry hash, proof, root) on the entry as it stands: its payload is checked above.
            var check = AuditVerifier.VerifyEntry(entry.Payload is null ? entry : entry with { Payload = null }, batch, root);
            if (check.Status != AuditVerificationStatus.Verified)
            {
                Pending |= check.Status == AuditVerificationStatus.Pending && !changed;
                Problems.AddRange(check.Problems);
            }
            else if (!changed && Add(entry, payload, hasPayload, invoice) is { } problem)
            {
                Problems.Add(problem);
            }
        }

        // Adds a proven entry's hours; the reason when it holds none of this invoice's tenant and period in canonical form.
        // A payload found out of form part way has had its first rows added: the verification fails all the same.
        private string? Add(AuditEntry entry, ReadOnlySpan<byte> payload, bool hasPayload, Invoice invoice)
        {
            var visit = entry.Action switch
            {
                UsageSeal.Action => addUsage,
                AvailabilitySeal.Action => addAvailability,
                _ => null,
            };
            var reader = new CanonicalReader(payload);
            if (visit is null || !hasPayload || !TenantHourSeal.ReadHead(ref reader, out var tenant, out var hour))
            {
                return NotCanonical(entry);
            }

            if (tenant != invoice.TenantId || hour < invoice.PeriodStart || hour >= invoice.PeriodEnd)
            {
                return $"entry {entry.Id} holds hours of tenant {tenant} at {hour:u}, outside the invoice's tenant or period";
            }

            if (!TenantHourSeal.ReadRows(ref reader, visit, out var first, out var last))
            {
                return NotCanonical(entry);
            }

            ref var entries = ref CollectionsMarshal.GetValueRefOrAddDefault(held, (entry.Action, hour), out _);
            (entries ??= []).Add((entry.Id, first, last));
            return null;
        }

        // Each entry whose resources overlap another's of the same kind and hour: a resource's hour counted twice.
        public IEnumerable<string> Repeated()
        {
            foreach (var ((_, hour), entries) in held.Where(h => h.Value.Count > 1))
            {
                entries.Sort((a, b) => string.CompareOrdinal(a.First, b.First) is var c and not 0 ? c : a.Entry.CompareTo(b.Entry));
                for (var i = 1; i < entries.Count; i++)
                {
                    var (before, entry) = (entries[i - 1], entries[i]);
                    if (string.CompareOrdinal(entry.First, before.Last) <= 0)
                    {
                        yield return $"entry {entry.Entry}: resource {entry.First}'s hour {hour:u} is in the evidence twice, or split other than the sealer splits it "
                                     + $"(entry {before.Entry} holds {before.First} to {before.Last}, entry {entry.Entry} {entry.First} to {entry.Last})";
                    }
                }
            }
        }

        private static string NotCanonical(AuditEntry entry) =>
            $"entry {entry.Id} ({entry.Action}) is not a sealed usage or availability hour in canonical form";

        private bool AddUsage(ref CanonicalReader reader, out ReadOnlySpan<byte> resource)
        {
            if (!UsageSeal.ReadRow(ref reader, out resource, out var project, out var seconds, out var vcpu, out var ram, out var disk))
            {
                return false;
            }

            Span<char> name = stackalloc char[NameLength];
            ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(usageOf, Chars(resource, name), out _);
            (sum ??= new UsageSum(Encoding.UTF8.GetString(resource), Encoding.UTF8.GetString(project))).Add(seconds, vcpu, ram, disk);
            return true;
        }

        private bool AddAvailability(ref CanonicalReader reader, out ReadOnlySpan<byte> resource)
        {
            if (!AvailabilitySeal.ReadRow(ref reader, out resource, out var expected, out var down))
            {
                return false;
            }

            Span<char> name = stackalloc char[NameLength];
            ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(availabilityOf, Chars(resource, name), out _);
            (sum ??= new AvailabilitySum(Encoding.UTF8.GetString(resource))).Add(expected, down);
            return true;
        }

        // A resource id's characters, to look its sum up by (ids are short; a long one is decoded on the heap).
        private const int NameLength = 128;

        private static ReadOnlySpan<char> Chars(ReadOnlySpan<byte> utf8, Span<char> buffer) =>
            utf8.Length <= buffer.Length ? buffer[..Encoding.UTF8.GetChars(utf8, buffer)] : Encoding.UTF8.GetString(utf8);
    }

    private sealed class UsageSum(string resourceId, string projectId)
    {
        public string ResourceId { get; } = resourceId;

        public string ProjectId { get; } = projectId;

        public long Seconds { get; private set; }

        public long VCpuSeconds { get; private set; }

        public long RamMiBSeconds { get; private set; }

        public long DiskGiBSeconds { get; private set; }

        public void Add(long seconds, long vcpu, long ram, long disk) =>
            (Seconds, VCpuSeconds, RamMiBSeconds, DiskGiBSeconds) = (Seconds + seconds, VCpuSeconds + vcpu, RamMiBSeconds + ram, DiskGiBSeconds + disk);
    }

    private sealed class AvailabilitySum(string resourceId)
    {
        public string ResourceId { get; } = resourceId;

        public long ExpectedSeconds { get; private set; }

        public long DownSeconds { get; private set; }

        public void Add(long expected, long down) => (ExpectedSeconds, DownSeconds) = (ExpectedSeconds + expected, DownSeconds + down);
    }

    private static IEnumerable<string> Differences(Invoice served, Invoice recomputed)
    {
        var proven = recomputed.Lines.ToDictionary(l => l.ResourceId, StringComparer.Ordinal);
        foreach (var line in served.Lines)
        {
            if (proven.TryGetValue(line.ResourceId, out var p) && p != line)
            {
                yield return $"line {line.ResourceId}: the invoice says {Describe(line)}; the proven usage gives {Describe(p)}";
            }
        }

        var credits = recomputed.Credits.ToDictionary(c => c.ResourceId, StringComparer.Ordinal);
        foreach (var credit in served.Credits)
        {
            if (!credits.Remove(credit.ResourceId, out var c))
            {
                yield return $"credit {credit.ResourceId}: not owed by the proven availability";
            }
            else if (c != credit)
            {
                yield return $"credit {credit.ResourceId}: the invoice says {credit.Percent} % = {credit.Amount} (down {credit.DownSeconds} of {credit.ExpectedSeconds} s); the proven availability gives {c.Percent} % = {c.Amount} (down {c.DownSeconds} of {c.ExpectedSeconds} s)";
            }
        }

        foreach (var missing in credits.Values)
        {
            yield return $"credit {missing.ResourceId}: {missing.Percent} % = {missing.Amount} is owed by the proven availability but missing from the invoice";
        }

        static string Describe(InvoiceLine l) =>
            $"{l.Seconds} s, {l.VCpuSeconds} vCPU-s, {l.RamMiBSeconds} MiB-s, {l.DiskGiBSeconds} GiB-s = {l.Amount}";
    }
}
