using System.Text.Json;
using Nethereum.Util;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Resources;

/// <summary>
/// Reads <c>eth_getProof</c> of ResourceRegistry storage slots from the ledger's node, for others to verify (a site
/// agent proves a work order with it instead of asking the node itself). Nothing here checks the proof: whoever acts on
/// it proves it against a header it trusts.
/// </summary>
public sealed class RegistryProofs
{
    // How many blocks below the newest a proof's state root is looked for, and how often the newest is looked at again.
    private const int BlocksSearched = 8;
    private const int Looks = 3;

    private readonly LedgerRuntime _runtime;
    private readonly TimeProvider _time;

    internal RegistryProofs(LedgerRuntime runtime, TimeProvider time) => (_runtime, _time) = (runtime, time);

    /// <summary>The registry's account and <paramref name="slots"/> of its storage, proven at a recent block.</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    /// <exception cref="InvalidOperationException">The node answered with an error, with something that is not a proof, or with a proof of no recent block.</exception>
    public async Task<RegistryStateProof> ProveAsync(IReadOnlyList<byte[]> slots, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var rpc = _runtime.Connection.Rpc;
        try
        {
            var result = await rpc.CallAsync(
                "eth_getProof", cancellationToken, _runtime.Connection.ResourceRegistryAddress, slots.Select(s => Hex.Bytes(s)).ToArray(), "latest").ConfigureAwait(false);
            var accountNodes = List(result, "accountProof");
            if (accountNodes.Count == 0)
            {
                throw new InvalidOperationException("The chain's eth_getProof answer has no account proof.");
            }

            return new RegistryStateProof(
                await BlockOfAsync(rpc, Sha3Keccack.Current.CalculateHash(accountNodes[0]), cancellationToken).ConfigureAwait(false),
                Bytes(result, "nonce"),
                Bytes(result, "balance"),
                Bytes(result, "storageHash"),
                Bytes(result, "codeHash"),
                accountNodes,
                [.. result.GetProperty("storageProof").EnumerateArray().Select(s => new RegistrySlotProof(Bytes(s, "key"), Bytes(s, "value"), List(s, "proof")))]);
        }
        catch (JsonRpcException ex)
        {
            throw new InvalidOperationException($"The chain would not prove {slots.Count} registry slots: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or FormatException)
        {
            throw new InvalidOperationException($"The chain's eth_getProof answer is not a proof: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The block whose state root is <paramref name="root"/> (the hash of the proof's first node). anvil answers
    /// <c>eth_getProof</c> from the state it has when the call runs, which is not always the state of the block number
    /// asked for (in the agents benchmark a third of the proofs asked at the newest block's number while blocks were being
    /// mined did not hold against that block's header), so the proof is asked of the newest state and its block found by its root:
    /// among the newest headers, or the next one sealed.
    /// </summary>
    private async Task<long> BlockOfAsync(JsonRpcClient rpc, byte[] root, CancellationToken cancellationToken)
    {
        for (var look = 1; ; look++)
        {
            var newest = await rpc.CallAsync("eth_getBlockByNumber", cancellationToken, "latest", false).ConfigureAwait(false);
            var number = Hex.ToLong(newest.GetProperty("number"));
            if (RootOf(newest).AsSpan().SequenceEqual(root))
            {
                return number;
            }

            var older = await rpc.BatchAsync(
                [.. Enumerable.Range(1, (int)Math.Min(BlocksSearched, number)).Select(i => new JsonRpcCall("eth_getBlockByNumber", Hex.Quantity(number - i), false))],
                cancellationToken).ConfigureAwait(false);
            foreach (var block in older.Where(b => b.Error is null && b.Value.ValueKind == JsonValueKind.Object))
            {
                if (RootOf(block.Value).AsSpan().SequenceEqual(root))
                {
                    return Hex.ToLong(block.Value.GetProperty("number"));
                }
            }

            if (look == Looks)
            {
                throw new InvalidOperationException($"The chain's proof holds against none of the {BlocksSearched + 1} newest blocks (to {number}).");
            }

            // The state of a block being sealed: its header comes in a moment.
            await Task.Delay(TimeSpan.FromMilliseconds(50 * look), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static byte[] RootOf(JsonElement block) => Bytes(block, "stateRoot");

    // Quantities come without leading zeros and data in full; both as the bytes they stand for (minimal, big-endian).
    private static byte[] Bytes(JsonElement element, string name) => Hex.ToBytes(element.GetProperty(name).GetString() ?? throw new FormatException($"{name} is null"));

    private static IReadOnlyList<byte[]> List(JsonElement element, string name) =>
        [.. element.GetProperty(name).EnumerateArray().Select(n => Hex.ToBytes(n.GetString() ?? throw new FormatException($"{name} holds null")))];
}

/// <summary>An <c>eth_getProof</c> answer for the ResourceRegistry, in bytes.</summary>
/// <param name="BlockNumber">The block whose state root it proves against.</param>
/// <param name="Nonce">The account's nonce, big-endian.</param>
/// <param name="Balance">The account's balance, big-endian.</param>
/// <param name="StorageHash">Root of the account's storage trie.</param>
/// <param name="CodeHash">keccak-256 of the account's code.</param>
/// <param name="AccountNodes">The state trie's nodes from the root to the account.</param>
/// <param name="Slots">Each slot asked for, with its value and the storage trie's nodes to it.</param>
public sealed record RegistryStateProof(
    long BlockNumber, byte[] Nonce, byte[] Balance, byte[] StorageHash, byte[] CodeHash, IReadOnlyList<byte[]> AccountNodes, IReadOnlyList<RegistrySlotProof> Slots);

/// <summary>One storage slot of a <see cref="RegistryStateProof"/>.</summary>
/// <param name="Key">The slot as the node echoed it.</param>
/// <param name="Value">Its value, big-endian (minimal).</param>
/// <param name="Nodes">The storage trie's nodes from the account's storage root to the slot.</param>
public sealed record RegistrySlotProof(byte[] Key, byte[] Value, IReadOnlyList<byte[]> Nodes);
