using Sankofa.Core.Ledger;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Contracts;

/// <summary>Read calls on AuditAnchor, shared by the ledger and the key-less <see cref="AuditAnchorReader"/>.</summary>
internal static class AuditAnchorCalls
{
    private static readonly byte[] HasRoleSelector = Abi.Selector("hasRole(bytes32,address)");
    private static readonly byte[] AnchorerRole = Abi.Topic("ANCHORER_ROLE");

    public static async Task<IReadOnlyDictionary<long, OnChainRoot>> GetRootsAsync(
        JsonRpcClient rpc, string contract, IReadOnlyList<long> batchIds, int chunkSize, CancellationToken cancellationToken)
    {
        var result = new Dictionary<long, OnChainRoot>(batchIds.Count);
        var distinct = batchIds.Distinct().ToArray();
        foreach (var chunk in distinct.Chunk(Math.Max(1, chunkSize)))
        {
            var data = AuditAnchorContract.EncodeRootsOf(chunk);
            var output = await rpc.CallAsync("eth_call", cancellationToken, new { to = contract, data = Hex.Bytes(data) }, "latest").ConfigureAwait(false);
            AuditAnchorContract.DecodeRootsOf(chunk, Hex.ToBytes(output.GetString() ?? "0x"), result);
        }

        return result;
    }

    public static async Task<bool> HasCodeAsync(JsonRpcClient rpc, string address, CancellationToken cancellationToken)
    {
        var code = (await rpc.CallAsync("eth_getCode", cancellationToken, address, "latest").ConfigureAwait(false)).GetString();
        return code is { Length: > 2 };
    }

    public static async Task<bool> IsAnchorerAsync(JsonRpcClient rpc, string contract, string account, CancellationToken cancellationToken)
    {
        var data = new byte[4 + 64];
        HasRoleSelector.CopyTo(data, 0);
        AnchorerRole.CopyTo(data, 4);
        Abi.WriteAddress(data.AsSpan(36, 32), account);
        var output = await rpc.CallAsync("eth_call", cancellationToken, new { to = contract, data = Hex.Bytes(data) }, "latest").ConfigureAwait(false);
        var bytes = Hex.ToBytes(output.GetString() ?? "0x");
        return bytes.Length == 32 && bytes[31] == 1;
    }
}
