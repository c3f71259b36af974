using System.Runtime.InteropServices;
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

    /// <summary>Verifies <paramref name="served"/>.</summary>
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
        ArgumentNullException.ThrowIfNull(served);
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(chainRoots);
        var problems = new List<string>();
        var pending = false;
        if (onChain is null)
        {
            return new(served.Id, AuditVerificationStatus.Failed, [$"invoice {served.Id} is not issued on chain"], 0, 0);
        }

        if (prices.Version != served.PriceBookVersion)
        {
            problems.Add($"the price book given is version {prices.Version}, the invoice names {served.PriceBookVersion}");
        }

        if (chainPriceBookHash is null || !prices.Hash().AsSpan().SequenceEqual(chainPriceBookHash))
        {
            problems.Add($"price book {prices.Version} does not hash to the hash the chain holds for it (prices changed, or never recorded)");
        }

        // Every sealed entry proven against the chain, then read: a month is tens of MiB of payloads, so the entries are
        // split in contiguous parts read on every core and their sums merged in order (problems keep the entries' order).
        var batches = evidence.Batches.ToDictionary(b => b.Id);
        var parts = Enumerable.Range(0, Math.Clamp(evidence.Entries.Count / 64, 1, Environment.ProcessorCount)).Select(_ => new Sums()).ToArray();
        var size = (evidence.Entries.Count + parts.Length - 1) / parts.Length;
        Parallel.For(0, parts.Length, p =>
        {
            var sums = parts[p];
            for (var i = p * size; i < Math.Min(evidence.Entries.Count, (p + 1) * size); i++)
            {
                var entry = evidence.Entries[i];
                var batch = entry.Seal is { } seal ? batches.GetValueOrDefault(seal.BatchId) : null;
                var check = AuditVerifier.VerifyEntry(entry, batch, entry.Seal is { } s ? chainRoots.GetValueOrDefault(s.BatchId) : null);
                if (check.Status != AuditVerificationStatus.Verified)
                {
                    sums.Pending |= check.Status == AuditVerificationStatus.Pending;
                    sums.Problems.AddRange(check.Problems);
                }
                else if (sums.Add(entry, served) is { } problem)
                {
                    sums.Problems.Add(problem);
                }
            }
        });

        var sums = parts[0];
        foreach (var part in parts.Skip(1))
        {
            sums.Merge(part);
        }

        pending |= sums.Pending;
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

        var rootsCommitment = UsageRoots.Commit(evidence.Batches.Where(b => chainRoots.ContainsKey(b.Id))
            .Select(b => new KeyValuePair<long, byte[]>(b.Id, chainRoots[b.Id].Root)));
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

        var status = problems.Count == 0 ? AuditVerificationStatus.Verified : pending ? AuditVerificationStatus.Pending : AuditVerificationStatus.Failed;
        return new(served.Id, status, problems.Count > MaxProblems ? [.. problems.Take(MaxProblems), $"… and {problems.Count - MaxProblems} more"] : problems,
            evidence.Entries.Count, chainRoots.Count);
    }

    // The proven hours summed per resource, with what each entry held to find a resource's hour that comes twice.
    private sealed class Sums
    {
        // Rows inside one entry are distinct (the canonical form orders them strictly), so only entries of the same kind and
        // hour can repeat one: those are compared at the end, and an invoice's usual one entry per tenant-hour costs nothing.
        private readonly Dictionary<(string Action, DateTimeOffset Hour), List<(long Entry, IReadOnlyList<string> Resources)>> held = [];

        public Dictionary<string, UsageSum> Usage { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, AvailabilitySum> Availability { get; } = new(StringComparer.Ordinal);

        public List<string> Problems { get; } = [];

        public bool Pending { get; set; }

        // Adds a later part's sums, hours held and problems to this one's.
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

        // Adds a proven entry's hours; the reason when it holds none of this invoice's tenant and period in canonical form.
        public string? Add(AuditEntry entry, Invoice invoice)
        {
            string tenant;
            DateTimeOffset hour;
            IReadOnlyList<string> resources;
            switch (entry.Action)
            {
                case UsageSeal.Action when UsageSeal.Parse(entry.Payload) is { } records:
                    (tenant, hour, resources) = (records[0].TenantId, records[0].HourStart, [.. records.Select(r => r.ResourceId)]);
                    if (InPeriod(tenant, hour, invoice))
                    {
                        foreach (var u in records)
                        {
                            ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(Usage, u.ResourceId, out _);
                            (sum ??= new UsageSum(u.ResourceId, u.ProjectId)).Add(u.Seconds, u.VCpuSeconds, u.RamMiBSeconds, u.DiskGiBSeconds);
                        }
                    }

                    break;
                case AvailabilitySeal.Action when AvailabilitySeal.Parse(entry.Payload) is { } measured:
                    (tenant, hour, resources) = (measured[0].TenantId, measured[0].HourStart, [.. measured.Select(a => a.ResourceId)]);
                    if (InPeriod(tenant, hour, invoice))
                    {
                        foreach (var a in measured)
                        {
                            ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(Availability, a.ResourceId, out _);
                            (sum ??= new AvailabilitySum(a.ResourceId)).Add(a.ExpectedSeconds, a.DownSeconds);
                        }
                    }

                    break;
                default:
                    return $"entry {entry.Id} ({entry.Action}) is not a sealed usage or availability hour in canonical form";
            }

            if (!InPeriod(tenant, hour, invoice))
            {
                return $"entry {entry.Id} holds hours of tenant {tenant} at {hour:u}, outside the invoice's tenant or period";
            }

            ref var entries = ref CollectionsMarshal.GetValueRefOrAddDefault(held, (entry.Action, hour), out _);
            (entries ??= []).Add((entry.Id, resources));
            return null;
        }

        // Each resource's hour that more than one entry holds.
        public IEnumerable<string> Repeated()
        {
            foreach (var ((_, hour), entries) in held.Where(h => h.Value.Count > 1))
            {
                var seen = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var (entry, resources) in entries)
                {
                    foreach (var resource in resources)
                    {
                        if (!seen.TryAdd(resource, entry))
                        {
                            yield return $"entry {entry}: resource {resource}'s hour {hour:u} is in the evidence twice (entry {seen[resource]} holds it)";
                        }
                    }
                }
            }
        }

        private static bool InPeriod(string tenant, DateTimeOffset hour, Invoice invoice) =>
            tenant == invoice.TenantId && hour >= invoice.PeriodStart && hour < invoice.PeriodEnd;
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
