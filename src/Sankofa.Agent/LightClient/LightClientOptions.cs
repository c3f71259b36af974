namespace Sankofa.Agent.LightClient;

/// <summary>Settings of the agent's light client, bound from the <c>Agent:Chain</c> configuration section.</summary>
public sealed class LightClientOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Agent:Chain";

    /// <summary>
    /// JSON-RPC endpoint the chain is read from: a node (Besu) or the control plane's read-only <c>/chain/rpc</c>.
    /// Required. Nothing it answers is trusted; it only has to answer.
    /// </summary>
    public Uri? RpcUrl { get; set; }

    /// <summary>Chain id the endpoint must report (<c>eth_chainId</c>); reads from another chain are refused. Default 31337 (the embedded chain).</summary>
    public long ChainId { get; set; } = 31337;

    /// <summary>How blocks are made final: <see cref="ChainConsensus.Embedded"/> (default, anvil) or <see cref="ChainConsensus.Qbft"/> (Besu).</summary>
    public ChainConsensus Consensus { get; set; } = ChainConsensus.Embedded;

    /// <summary>Number of the trusted checkpoint block. Required.</summary>
    public long? CheckpointNumber { get; set; }

    /// <summary>Hash of the trusted checkpoint block, 0x-prefixed hex of 32 bytes. Required.</summary>
    public string? CheckpointHash { get; set; }

    /// <summary>Timeout of one JSON-RPC request. Default 30 seconds.</summary>
    public TimeSpan RpcTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many blocks behind the latest proven head a proof read by someone else (the control plane, sent with a work
    /// order) may be and still count: an older one could show a state the chain has since left (a resource deleted
    /// meanwhile), so the agent reads the chain itself instead. Default 64 blocks, at most 256.
    /// </summary>
    public int MaxProofAge { get; set; } = 64;

    /// <summary>The checkpoint these options name.</summary>
    /// <exception cref="InvalidOperationException">A setting is missing or malformed (see <see cref="Problems"/>).</exception>
    public TrustedCheckpoint GetCheckpoint() => Problems().FirstOrDefault() is { } problem
        ? throw new InvalidOperationException(problem)
        : new TrustedCheckpoint(CheckpointNumber!.Value, Convert.FromHexString(CheckpointHash![2..]));

    /// <summary>What is wrong with these settings, each naming its key; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (RpcUrl is null || (RpcUrl.Scheme != Uri.UriSchemeHttp && RpcUrl.Scheme != Uri.UriSchemeHttps))
        {
            yield return $"{SectionName}:RpcUrl must be an http(s) URL of the chain's JSON-RPC endpoint.";
        }

        if (ChainId <= 0)
        {
            yield return $"{SectionName}:ChainId must be positive.";
        }

        if (!Enum.IsDefined(Consensus))
        {
            yield return $"{SectionName}:Consensus must be Embedded or Qbft.";
        }

        if (CheckpointNumber is not >= 0)
        {
            yield return $"{SectionName}:CheckpointNumber must be set to the trusted block's number (0 or more).";
        }

        if (CheckpointHash is not { Length: 66 } hash || !hash.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            || hash.AsSpan(2).ContainsAnyExcept("0123456789abcdefABCDEF"))
        {
            yield return $"{SectionName}:CheckpointHash must be set to the trusted block's hash (0x and 64 hex digits).";
        }

        if (MaxProofAge is < 0 or > HeaderVerifier.RecentLinked)
        {
            yield return $"{SectionName}:MaxProofAge must be 0 to {HeaderVerifier.RecentLinked} blocks (the headers the light client keeps).";
        }

        if (RpcTimeout <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:RpcTimeout must be positive.";
        }
    }
}
