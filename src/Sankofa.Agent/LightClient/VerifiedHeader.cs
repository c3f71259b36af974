namespace Sankofa.Agent.LightClient;

/// <summary>A header the light client has proven, with why it trusts it.</summary>
/// <param name="Header">The header.</param>
/// <param name="Hash">Its hash, computed (and equal to the one the node claimed).</param>
/// <param name="Basis">What the trust rests on, in words: the seals that made it final, or the checkpoint it links to.</param>
public sealed record VerifiedHeader(BlockHeader Header, byte[] Hash, string Basis);
