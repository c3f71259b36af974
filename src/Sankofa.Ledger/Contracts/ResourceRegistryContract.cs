using Nethereum.Contracts;
using Nethereum.Util;

namespace Sankofa.Ledger.Contracts;

/// <summary>What the ledger computes locally for contracts/ResourceRegistry.sol instead of asking the node.</summary>
internal static class ResourceRegistryContract
{
    /// <summary>
    /// The contract's <c>attestationDigest(resourceId, specHash)</c>:
    /// keccak256(abi.encode(address contract, uint256 chainId, bytes32 resourceId, bytes32 specHash)).
    /// </summary>
    public static byte[] AttestationDigest(string contract, long chainId, ReadOnlySpan<byte> resourceId, ReadOnlySpan<byte> specHash)
    {
        if (resourceId.Length != 32 || specHash.Length != 32)
        {
            throw new ArgumentException("Resource id and spec hash must be 32 bytes each.");
        }

        Span<byte> encoded = stackalloc byte[128];
        Abi.WriteAddress(encoded[..32], contract);
        Abi.WriteUInt(encoded.Slice(32, 32), checked((ulong)chainId));
        resourceId.CopyTo(encoded.Slice(64, 32));
        specHash.CopyTo(encoded.Slice(96, 32));
        return Sha3Keccack.Current.CalculateHash(encoded.ToArray());
    }

    /// <summary>
    /// Call data for several transitions in one transaction: <c>multicall(bytes[])</c>, or the call itself when there is
    /// only one (cheaper, and its revert reason reads exactly as the call's own).
    /// </summary>
    public static byte[] EncodeCalls(IReadOnlyList<byte[]> calls) =>
        calls.Count == 1 ? calls[0] : new MulticallFunction { Data = [.. calls] }.GetCallData();
}
