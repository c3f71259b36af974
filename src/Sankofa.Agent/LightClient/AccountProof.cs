using System.Numerics;
using System.Text.Json;

namespace Sankofa.Agent.LightClient;

/// <summary>An answer of <c>eth_getProof</c>: an account's fields as the node claims them, with the trie nodes that should prove them.</summary>
/// <param name="Address">The account's address, 0x-prefixed hex.</param>
/// <param name="Nonce">The claimed nonce.</param>
/// <param name="Balance">The claimed balance, in wei.</param>
/// <param name="StorageHash">The claimed root of the account's storage trie.</param>
/// <param name="CodeHash">The claimed keccak-256 of the account's code.</param>
/// <param name="Nodes">The state trie's nodes from its root to the account (accountProof).</param>
/// <param name="Storage">The storage slots asked for, each with its claimed value and proof.</param>
public sealed record AccountProof(
    string Address, BigInteger Nonce, BigInteger Balance, byte[] StorageHash, byte[] CodeHash, IReadOnlyList<byte[]> Nodes, IReadOnlyList<StorageProof> Storage)
{
    /// <summary>Reads the result of <c>eth_getProof</c>; a missing or malformed field is refused naming it.</summary>
    /// <exception cref="ChainVerificationException">The answer is not a well-formed proof.</exception>
    public static AccountProof FromJson(JsonElement result)
    {
        const string what = "eth_getProof";
        var storage = RpcJson.Field(result, "storageProof", what);
        if (storage.ValueKind != JsonValueKind.Array)
        {
            throw new ChainVerificationException($"{what}: storageProof is not an array.");
        }

        return new AccountProof(
            "0x" + Convert.ToHexStringLower(RpcJson.Data(result, "address", what, 20)),
            RpcJson.Integer(result, "nonce", what),
            RpcJson.Integer(result, "balance", what),
            RpcJson.Data(result, "storageHash", what, 32),
            RpcJson.Data(result, "codeHash", what, 32),
            RpcJson.DataList(result, "accountProof", what),
            [.. storage.EnumerateArray().Select(s => new StorageProof(
                RpcJson.Quantity(s, "key", what), RpcJson.Quantity(s, "value", what), RpcJson.DataList(s, "proof", what)))]);
    }
}

/// <summary>One storage slot of an <see cref="AccountProof"/>.</summary>
/// <param name="Key">The slot, minimal big-endian bytes.</param>
/// <param name="Value">The claimed value, minimal big-endian bytes (zero: no bytes).</param>
/// <param name="Nodes">The storage trie's nodes from its root to the slot.</param>
public sealed record StorageProof(byte[] Key, byte[] Value, IReadOnlyList<byte[]> Nodes);

/// <summary>An account's fields as proven against a state root.</summary>
/// <param name="Address">The account's address, 0x-prefixed hex.</param>
/// <param name="Nonce">Its nonce.</param>
/// <param name="Balance">Its balance, in wei.</param>
/// <param name="StorageRoot">Root of its storage trie.</param>
/// <param name="CodeHash">keccak-256 of its code.</param>
public sealed record ProvenAccount(string Address, BigInteger Nonce, BigInteger Balance, byte[] StorageRoot, byte[] CodeHash);
