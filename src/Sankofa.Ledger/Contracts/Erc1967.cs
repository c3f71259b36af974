using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Contracts;

/// <summary>
/// Reads an ERC-1967 proxy's implementation: the address stored at
/// <c>keccak256("eip1967.proxy.implementation") - 1</c>, the slot <c>cast storage PROXY SLOT</c> reads too.
/// </summary>
internal static class Erc1967
{
    /// <summary>The implementation slot, as EIP-1967 defines it.</summary>
    public const string ImplementationSlot = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

    /// <summary>The implementation behind <paramref name="proxy"/>, or null when it is no ERC-1967 proxy (the slot is empty).</summary>
    public static async Task<string?> ImplementationAsync(JsonRpcClient rpc, string proxy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        var word = Hex.ToBytes((await rpc.CallAsync("eth_getStorageAt", cancellationToken, proxy, ImplementationSlot, "latest").ConfigureAwait(false)).GetString() ?? "0x");
        return word.Length == 0 || word.All(b => b == 0) ? null : "0x" + Convert.ToHexStringLower(word[^20..]);
    }
}
