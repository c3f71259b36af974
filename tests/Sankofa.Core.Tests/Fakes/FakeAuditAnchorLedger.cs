using Sankofa.Core.Ledger;

namespace Sankofa.Core.Tests.Fakes;

/// <summary>
/// The AuditAnchor contract in memory: idempotent per batch id, refusing another root for a recorded batch.
/// <see cref="Snapshot"/> and <see cref="Revert"/> make it lose its newest roots, as a chain that lost its last blocks.
/// </summary>
internal sealed class FakeAuditAnchorLedger : IAuditAnchorLedger
{
    private readonly Lock _sync = new();
    private Dictionary<long, OnChainRoot> _roots = [];
    private long _block;

    /// <summary>When true, every call throws <see cref="LedgerUnavailableException"/>.</summary>
    public bool Unreachable { get; set; }

    /// <summary>How many roots were sent to be recorded, repeats included.</summary>
    public int Sent { get; private set; }

    public IReadOnlyDictionary<long, OnChainRoot> Snapshot()
    {
        lock (_sync)
        {
            return new Dictionary<long, OnChainRoot>(_roots);
        }
    }

    public void Revert(IReadOnlyDictionary<long, OnChainRoot> snapshot)
    {
        lock (_sync)
        {
            _roots = new Dictionary<long, OnChainRoot>(snapshot);
        }
    }

    public Task<IReadOnlyList<AnchorResult>> AnchorAsync(IReadOnlyList<AnchorRequest> requests, CancellationToken cancellationToken)
    {
        ThrowIfUnreachable();
        lock (_sync)
        {
            var block = ++_block;
            var results = new List<AnchorResult>();
            foreach (var request in requests)
            {
                Sent++;
                if (_roots.TryGetValue(request.BatchId, out var recorded) && !recorded.Root.AsSpan().SequenceEqual(request.Root))
                {
                    throw new InvalidOperationException($"AuditAnchor refuses batch {request.BatchId}: another root is recorded.");
                }

                _roots.TryAdd(request.BatchId, new OnChainRoot(request.BatchId, request.Root, request.FirstSequence, request.Count, block));
                results.Add(new AnchorResult(request.BatchId, $"0x{block:x64}", _roots[request.BatchId].BlockNumber));
            }

            return Task.FromResult<IReadOnlyList<AnchorResult>>(results);
        }
    }

    public Task<IReadOnlyDictionary<long, OnChainRoot>> GetRootsAsync(IReadOnlyList<long> batchIds, CancellationToken cancellationToken)
    {
        ThrowIfUnreachable();
        lock (_sync)
        {
            return Task.FromResult<IReadOnlyDictionary<long, OnChainRoot>>(
                batchIds.Where(_roots.ContainsKey).ToDictionary(id => id, id => _roots[id]));
        }
    }

    private void ThrowIfUnreachable()
    {
        if (Unreachable)
        {
            throw new LedgerUnavailableException("The chain does not answer.");
        }
    }
}
