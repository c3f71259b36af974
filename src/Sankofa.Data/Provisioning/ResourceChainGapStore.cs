using Microsoft.EntityFrameworkCore;
using Sankofa.Core.Provisioning;

namespace Sankofa.Data.Provisioning;

/// <summary>
/// The findings of comparing the store with the chain's resource records (<see cref="ResourceChainAhead"/>) and the block
/// the last comparison read up to. Both live in the store, so a store restored from a backup compares again from where
/// it stood at the backup.
/// </summary>
internal sealed class ResourceChainGapStore(IStoreContextFactory contexts) : IResourceChainGapStore
{
    // The one row of resource_chain_comparisons.
    private const int Comparison = 1;

    public async Task<long?> GetComparedToAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        return await db.Set<ResourceChainComparisonRow>().Where(c => c.Id == Comparison).Select(c => (long?)c.ComparedToBlock)
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task RecordAsync(IReadOnlyList<ResourceChainGap> gaps, long? comparedTo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gaps);
        using var turn = await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var db = contexts.Create();
        var keys = gaps.Select(g => g.ChainKey).ToList();
        var recorded = await db.Set<ResourceChainGapRow>().Where(g => keys.Contains(g.ChainKey)).Select(g => g.ChainKey).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var gap in gaps.Where(g => !recorded.Contains(g.ChainKey)).DistinctBy(g => g.ChainKey))
        {
            db.Set<ResourceChainGapRow>().Add(new ResourceChainGapRow
            {
                ChainKey = gap.ChainKey,
                ResourceId = gap.ResourceId,
                OnChainState = gap.OnChainState,
                Block = gap.Block,
                SpecHash = gap.SpecHash,
                SiteId = gap.SiteId,
                StoreStatus = gap.StoreStatus?.ToString(),
                Vm = gap.Vm,
                Outcome = gap.Outcome,
                Detail = gap.Detail,
                FoundAtMs = gap.FoundAt.ToUnixTimeMilliseconds(),
            });
        }

        if (comparedTo is { } block)
        {
            var comparison = await db.Set<ResourceChainComparisonRow>().SingleOrDefaultAsync(c => c.Id == Comparison, cancellationToken).ConfigureAwait(false);
            if (comparison is null)
            {
                db.Set<ResourceChainComparisonRow>().Add(new ResourceChainComparisonRow { Id = Comparison, ComparedToBlock = block });
            }
            else
            {
                comparison.ComparedToBlock = Math.Max(comparison.ComparedToBlock, block);
            }
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ResourceChainGap>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.Set<ResourceChainGapRow>().AsNoTracking().OrderBy(g => g.FoundAtMs).ThenBy(g => g.Block).ThenBy(g => g.ChainKey)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return
        [
            .. rows.Select(g => new ResourceChainGap(
                g.ChainKey, g.ResourceId, g.OnChainState, g.Block, g.SpecHash, g.SiteId,
                g.StoreStatus is { } s ? Enum.Parse<ResourceStatus>(s) : null, g.Vm, g.Outcome, g.Detail, DateTimeOffset.FromUnixTimeMilliseconds(g.FoundAtMs))),
        ];
    }
}

/// <summary>Table row of a <see cref="ResourceChainGap"/>.</summary>
internal sealed class ResourceChainGapRow
{
    public string ChainKey { get; set; } = null!;
    public string? ResourceId { get; set; }
    public string OnChainState { get; set; } = null!;
    public long Block { get; set; }
    public string SpecHash { get; set; } = null!;
    public string? SiteId { get; set; }
    public string? StoreStatus { get; set; }
    public string? Vm { get; set; }
    public string Outcome { get; set; } = null!;
    public string Detail { get; set; } = null!;
    public long FoundAtMs { get; set; }
}

/// <summary>The one row saying which block the last comparison with the chain read up to.</summary>
internal sealed class ResourceChainComparisonRow
{
    public int Id { get; set; }
    public long ComparedToBlock { get; set; }
}

/// <summary>The resource chain-gap tables, beside the provisioning tables (which they leave untouched).</summary>
internal static class ResourceChainGapModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ResourceChainGapRow>(e =>
        {
            e.ToTable("resource_chain_gaps");
            e.HasKey(x => x.ChainKey);
            e.Property(x => x.ChainKey).HasColumnName("chain_key").HasMaxLength(66);
            e.Property(x => x.ResourceId).HasColumnName("resource_id").HasMaxLength(200);
            e.Property(x => x.OnChainState).HasColumnName("on_chain_state").HasMaxLength(20);
            e.Property(x => x.Block).HasColumnName("block");
            e.Property(x => x.SpecHash).HasColumnName("spec_hash").HasMaxLength(66);
            e.Property(x => x.SiteId).HasColumnName("site_id").HasMaxLength(200);
            e.Property(x => x.StoreStatus).HasColumnName("store_status").HasMaxLength(20);
            e.Property(x => x.Vm).HasColumnName("vm").HasMaxLength(300);
            e.Property(x => x.Outcome).HasColumnName("outcome").HasMaxLength(20);
            e.Property(x => x.Detail).HasColumnName("detail");
            e.Property(x => x.FoundAtMs).HasColumnName("found_at_ms");
        });
        modelBuilder.Entity<ResourceChainComparisonRow>(e =>
        {
            e.ToTable("resource_chain_comparisons");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(x => x.ComparedToBlock).HasColumnName("compared_to_block");
        });
    }
}
