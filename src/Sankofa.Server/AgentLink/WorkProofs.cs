using Google.Protobuf;
using Sankofa.Agent.Protocol;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Resources;

namespace Sankofa.Server.AgentLink;

/// <summary>
/// Reads the proofs sent with provisioning orders (<see cref="WorkOrder.Proof"/>): what the ResourceRegistry holds for
/// each order's resource, at one block. The links' writers ask for their orders' proofs; whatever is asked while one
/// <c>eth_getProof</c> is in flight is read together by the next (up to <see cref="MaxResourcesPerRead"/> resources).
/// A node's cost per <c>eth_getProof</c> hardly depends on how many slots it proves (anvil reads the contract's whole
/// storage for each), so a thousand agents each proving their own order cost it a thousand such reads, these a handful.
/// Reads are paced: after one that took t, the next starts no sooner than <see cref="PaceFactor"/> × t later, so proofs
/// take at most about a third of the node's time however many orders come (on anvil with 10,000 resources a read takes
/// tens of milliseconds; on Besu, which keeps its trie, a few). The agent trusts none of it: it proves the block's header itself and reads the chain itself when the proof is
/// missing, stale or does not support the order.
/// </summary>
internal sealed partial class WorkProofs(RegistryProofs chain, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<WorkProofs> logger)
{
    /// <summary>Most resources proven by one <c>eth_getProof</c> (three slots each).</summary>
    public const int MaxResourcesPerRead = 100;

    /// <summary>How long the pause after a read is, in multiples of the read's own time.</summary>
    public const int PaceFactor = 2;

    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly List<(string ResourceId, TaskCompletionSource<ChainProof?> Proof)> _waiting = [];
    private bool _reading;

    /// <summary>The proof for <paramref name="resourceId"/>'s order, or null when the chain could not be read (the agent reads it then).</summary>
    public Task<ChainProof?> ProveAsync(string resourceId)
    {
        var proof = new TaskCompletionSource<ChainProof?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiting.Add((resourceId, proof));
            if (!_reading)
            {
                _reading = true;
                _ = Task.Run(ReadAsync);
            }
        }

        return proof.Task;
    }

    private async Task ReadAsync()
    {
        var pause = TimeSpan.Zero;
        while (true)
        {
            // Orders asked for meanwhile are read together after the pause.
            await Task.Delay(pause, time).ConfigureAwait(false);

            List<(string ResourceId, TaskCompletionSource<ChainProof?> Proof)> batch;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _reading = false;
                    return;
                }

                var ids = _waiting.Select(w => w.ResourceId).Distinct(StringComparer.Ordinal).Take(MaxResourcesPerRead).ToHashSet(StringComparer.Ordinal);
                batch = _waiting.Where(w => ids.Contains(w.ResourceId)).ToList();
                _waiting.RemoveAll(w => ids.Contains(w.ResourceId));
            }

            var resources = batch.Select(w => w.ResourceId).Distinct(StringComparer.Ordinal).ToList();
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
                timeout.CancelAfter(ReadTimeout);
                var started = time.GetTimestamp();
                var read = await chain.ProveAsync([.. resources.SelectMany(RegistrySlots.Resource)], timeout.Token).ConfigureAwait(false);
                pause = time.GetElapsedTime(started) * PaceFactor;
                var proofs = Split(read, resources);
                foreach (var (resourceId, proof) in batch)
                {
                    proof.TrySetResult(proofs[resourceId]);
                }
            }
            catch (Exception ex) when (ex is LedgerUnavailableException or InvalidOperationException or OperationCanceledException or KeyNotFoundException)
            {
                LogUnproven(logger, resources.Count, ex.Message);
                foreach (var (_, proof) in batch)
                {
                    proof.TrySetResult(null);
                }
            }
        }
    }

    /// <summary>One read's proof cut per resource: the account's part is the same for all, each takes its own three slots.</summary>
    private static Dictionary<string, ChainProof> Split(RegistryStateProof read, IEnumerable<string> resources)
    {
        var account = new ChainProof
        {
            BlockNumber = read.BlockNumber,
            Nonce = ByteString.CopyFrom(read.Nonce),
            Balance = ByteString.CopyFrom(read.Balance),
            StorageHash = ByteString.CopyFrom(read.StorageHash),
            CodeHash = ByteString.CopyFrom(read.CodeHash),
        };
        account.AccountNodes.AddRange(read.AccountNodes.Select(ByteString.CopyFrom));
        // Keyed by the slot as a 32-byte word: the node may echo a key without its leading zeros.
        var slots = read.Slots.ToDictionary(s => Convert.ToHexString(Word(s.Key)), s => new StorageSlotProof
        {
            Key = ByteString.CopyFrom(s.Key),
            Value = ByteString.CopyFrom(s.Value),
            Nodes = { s.Nodes.Select(ByteString.CopyFrom) },
        }, StringComparer.Ordinal);
        return resources.ToDictionary(r => r, r =>
        {
            var proof = account.Clone();
            proof.Slots.AddRange(RegistrySlots.Resource(r).Select(slot => slots[Convert.ToHexString(slot)]));
            return proof;
        }, StringComparer.Ordinal);
    }

    private static byte[] Word(byte[] key)
    {
        var word = new byte[32];
        key.AsSpan(Math.Max(0, key.Length - 32)).CopyTo(word.AsSpan(Math.Max(0, 32 - key.Length)));
        return word;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not prove {Count} resources' registry slots for their orders ({Reason}); the orders go without, their agents read the chain themselves")]
    private static partial void LogUnproven(ILogger logger, int count, string reason);
}
