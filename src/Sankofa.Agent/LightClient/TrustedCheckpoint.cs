namespace Sankofa.Agent.LightClient;

/// <summary>
/// A block the agent trusts by configuration rather than by proof: its number and hash, written down when the site was
/// registered (from a source the operator trusts, not from the control plane at run time). Everything the light client
/// accepts is proven back to it: by parent links on the embedded chain, by its validators' seals on QBFT.
/// </summary>
/// <param name="Number">The block number.</param>
/// <param name="Hash">The block hash (32 bytes).</param>
public sealed record TrustedCheckpoint(long Number, byte[] Hash)
{
    /// <summary>The hash as 0x-prefixed hex.</summary>
    public string HashHex => "0x" + Convert.ToHexStringLower(Hash);
}
