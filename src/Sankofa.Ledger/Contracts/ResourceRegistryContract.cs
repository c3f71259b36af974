using Nethereum.Contracts;

namespace Sankofa.Ledger.Contracts;

/// <summary>What the ledger computes locally for contracts/ResourceRegistry.sol instead of asking the node.</summary>
internal static class ResourceRegistryContract
{
    /// <summary>
    /// Call data for several transitions in one transaction: <c>multicall(bytes[])</c>, or the call itself when there is
    /// only one (cheaper, and its revert reason reads exactly as the call's own).
    /// </summary>
    public static byte[] EncodeCalls(IReadOnlyList<byte[]> calls) =>
        calls.Count == 1 ? calls[0] : new MulticallFunction { Data = [.. calls] }.GetCallData();
}
