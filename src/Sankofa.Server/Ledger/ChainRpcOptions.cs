namespace Sankofa.Server.Ledger;

/// <summary>Limits of the read-only JSON-RPC endpoint (<c>POST /chain/rpc</c>), bound from the <c>ChainRpc</c> section.</summary>
public sealed class ChainRpcOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "ChainRpc";

    /// <summary>Largest request body, in bytes; a larger one is refused with 413. Default 1 MiB.</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>Most calls in one batch; a larger batch is answered with one JSON-RPC error. Default 100.</summary>
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>Requests one client address may make per second, on average. Default 50.</summary>
    public int PermitsPerSecond { get; set; } = 50;

    /// <summary>Requests one client address may make at once before the per-second rate applies. Default 200.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Web origins whose pages may call the endpoint (CORS). Default none: browsers keep other sites' pages out.</summary>
    public IList<string> AllowedOrigins { get; } = [];
}
