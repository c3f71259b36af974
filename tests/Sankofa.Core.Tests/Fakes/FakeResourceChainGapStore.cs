using Sankofa.Core.Provisioning;

namespace Sankofa.Core.Tests.Fakes;

/// <summary>The findings of comparisons with the chain, in memory: the first finding per chain key is kept.</summary>
internal sealed class FakeResourceChainGapStore : IResourceChainGapStore
{
    private readonly Lock _sync = new();
    private readonly List<ResourceChainGap> _gaps = [];
    private long? _comparedTo;

    public Task<long?> GetComparedToAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult(_comparedTo);
        }
    }

    public Task RecordAsync(IReadOnlyList<ResourceChainGap> gaps, long? comparedTo, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            _gaps.AddRange(gaps.Where(g => _gaps.All(k => k.ChainKey != g.ChainKey)));
            _comparedTo = comparedTo is { } block ? Math.Max(block, _comparedTo ?? 0) : _comparedTo;
            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<ResourceChainGap>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult<IReadOnlyList<ResourceChainGap>>([.. _gaps]);
        }
    }
}
