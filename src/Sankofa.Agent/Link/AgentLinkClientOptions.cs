namespace Sankofa.Agent.Link;

/// <summary>How an agent reaches its control planes and proves who it is.</summary>
public sealed class AgentLinkClientOptions
{
    /// <summary>
    /// The control planes to try, in order (regional first, then core): each one's agent link address
    /// (<c>AgentLink:Url</c>, shown by <c>GET /api/v1/agent-link</c>), which also answers the token request.
    /// </summary>
    public IList<Uri> Servers { get; } = [];

    /// <summary>The site this agent serves.</summary>
    public string Site { get; set; } = string.Empty;

    /// <summary>The service account's client id (it holds <c>site-agent@Site</c>).</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>The service account's secret.</summary>
    public string ClientSecret { get; set; } = string.Empty;

    /// <summary>The agent's version, as it reports it.</summary>
    public string Version { get; set; } = typeof(AgentLinkClientOptions).Assembly.GetName().Version?.ToString() ?? "0";

    /// <summary>First wait after a failed attempt; doubles up to <see cref="MaxRetryDelay"/>, with jitter. Default 1 second.</summary>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts. Default 1 minute.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the agent reports its inventory (also once right after each welcome). Default 30 seconds.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reports kept while not acked (cut off, or the control plane slow to store them); past it the oldest inventory, then
    /// the oldest progress, is dropped, never a work result. Default 10,000.
    /// </summary>
    public int OutboxCapacity { get; set; } = 10_000;

    /// <summary>
    /// Where progress reports and work results not yet acked are kept, so an agent that restarts still delivers them
    /// (<c>sankofa agent run</c>: DIR/outbox). Default null: kept in memory only.
    /// </summary>
    public string? OutboxDirectory { get; set; }

    /// <summary>
    /// A file whose modification time the agent sets each time it sends the control plane a heartbeat, so a supervisor
    /// that cannot ask the agent (it listens on nothing) sees it is linked: a container probe, a Docker HEALTHCHECK
    /// (<c>sankofa agent run</c>: DIR/heartbeat). Default null: none.
    /// </summary>
    public string? HeartbeatFile { get; set; }
}
