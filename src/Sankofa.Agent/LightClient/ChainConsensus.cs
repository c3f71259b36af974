namespace Sankofa.Agent.LightClient;

/// <summary>How the chain's blocks are made final, which decides how the light client trusts a header.</summary>
public enum ChainConsensus
{
    /// <summary>The embedded chain (anvil): no seals; headers are trusted by linking them to a configured checkpoint.</summary>
    Embedded,

    /// <summary>Hyperledger Besu's QBFT: a header is trusted when a quorum of the checkpoint's validators sealed it.</summary>
    Qbft,
}
