using System.Numerics;
using Sankofa.Agent.LightClient;
using Sankofa.Agent.Protocol;

namespace Sankofa.Agent.Work;

/// <summary>The proof a work order carries, read as the light client reads an <c>eth_getProof</c> answer.</summary>
internal static class SentProof
{
    /// <summary>
    /// <paramref name="proof"/> as an answer about <paramref name="registry"/>: the address is the one the agent expects,
    /// never one the message names, so a proof of another account fails to verify.
    /// </summary>
    public static AccountProof ToAccountProof(ChainProof proof, string registry) => new(
        registry,
        new BigInteger(proof.Nonce.Span, isUnsigned: true, isBigEndian: true),
        new BigInteger(proof.Balance.Span, isUnsigned: true, isBigEndian: true),
        proof.StorageHash.ToByteArray(),
        proof.CodeHash.ToByteArray(),
        [.. proof.AccountNodes.Select(n => n.ToByteArray())],
        [.. proof.Slots.Select(s => new StorageProof(s.Key.ToByteArray(), s.Value.ToByteArray(), [.. s.Nodes.Select(n => n.ToByteArray())]))]);
}
