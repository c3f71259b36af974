namespace Sankofa.Server.AgentLink;

/// <summary>The site agents' link (gRPC over HTTP/2), bound from the <c>AgentLink</c> section.</summary>
public sealed class AgentLinkOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "AgentLink";

    /// <summary>
    /// Where agents connect: an HTTP/2-only endpoint of its own, e.g. <c>http://127.0.0.1:8481</c> (plain HTTP cannot
    /// offer HTTP/1.1 and HTTP/2 on one port). Unset by default: no agent link, every site in direct mode.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>
    /// Where agents are told to connect (<c>GET /api/v1/agent-link</c>) when that is not the address listened on: behind
    /// <c>http://0.0.0.0:8481</c> in a pod, the Service's or the ingress's name, e.g. <c>https://link.region.example:8481</c>.
    /// Unset by default: the address <see cref="Url"/> is bound to.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>How often a connected agent says it is there. Default 15 seconds.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an agent has to say who it is and answer the challenge. Default 10 seconds.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a work item sent to a linked agent may go without its result before it is sent again (delivery is at
    /// least once; the agent runs a repeat idempotently). Every open item is sent again on each new link anyway. Default 2 minutes.
    /// </summary>
    public TimeSpan WorkResendAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often each link checks that the chain still records its key for the site (a rotation or a revocation ends the
    /// link, and the agent comes back with the new key or not at all) and looks for work to send again. Default 30 seconds.
    /// </summary>
    public TimeSpan MaintainInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a site's agent may send nothing before its site counts as down (no new VMs are placed there; its health
    /// says since when the agent has been silent). Longer than the heartbeat and the agent's report interval, so one
    /// lost message is not an outage. Default 90 seconds.
    /// </summary>
    public TimeSpan SilentAfter { get; set; } = TimeSpan.FromSeconds(90);
}
