using System.Text.Json;
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
    private readonly LedgerRuntime _runtime;

    internal RegistryProofs(LedgerRuntime runtime) => _runtime = runtime;

    /// <summary>The registry's account and <paramref name="slots"/> of its storage, proven at the newest block.</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    /// <exception cref="InvalidOperationException">The node answered with an error or something that is not a proof.</exception>
    public async Task<RegistryStateProof> ProveAsync(IReadOnlyList<byte[]> slots, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var connection = _runtime.Connection;
        try
        {
            // At a numbered block, not "latest": the reader must know which header's state root the proof is against.
            var block = Hex.ToLong(await connection.Rpc.CallAsync("eth_blockNumber", cancellationToken).ConfigureAwait(false));
            var result = await connection.Rpc.CallAsync(
                "eth_getProof", cancellationToken, connection.ResourceRegistryAddress, slots.Select(s => Hex.Bytes(s)).ToArray(), Hex.Quantity(block)).ConfigureAwait(false);
            return new RegistryStateProof(
                block,
                Bytes(result, "nonce"),
                Bytes(result, "balance"),
                Bytes(result, "storageHash"),
                Bytes(result, "codeHash"),
                List(result, "accountProof"),
                [.. result.GetProperty("storageProof").EnumerateArray().Select(s => new RegistrySlotProof(Bytes(s, "key"), Bytes(s, "value"), List(s, "proof")))]);
        }
        catch (JsonRpcException ex)
        {
            throw new InvalidOperationException($"The chain would not prove {slots.Count} registry slots: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidOperationException($"The chain's eth_getProof answer is not a proof: {ex.Message}", ex);
        }
    }

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
