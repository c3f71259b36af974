using System.Collections.Concurrent;

namespace Sankofa.Server.AgentLink;

/// <summary>The agents connected to this server now, one per site (a newer connection replaces an older one).</summary>
public sealed class ConnectedAgents
{
    private readonly ConcurrentDictionary<string, ConnectedAgent> agents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AgentConnection> connections = new(StringComparer.Ordinal);

    /// <summary>Every connected agent, by site.</summary>
    public IReadOnlyCollection<ConnectedAgent> All => [.. agents.Values];

    /// <summary>The site's connected agent, or null.</summary>
    public ConnectedAgent? Find(string site) => agents.GetValueOrDefault(site);

    /// <summary>The outgoing side of the site's current link, or null when its agent is not linked here.</summary>
    internal AgentConnection? Connection(string site) => connections.GetValueOrDefault(site);

    internal void Connected(ConnectedAgent agent, AgentConnection connection)
    {
        agents[agent.Site] = agent;
        connections[agent.Site] = connection;
    }

    internal void Seen(ConnectedAgent agent, DateTimeOffset at)
    {
        if (agents.TryGetValue(agent.Site, out var current) && current.ConnectionId == agent.ConnectionId)
        {
            agents[agent.Site] = current with { LastSeen = at };
        }
    }

    internal void Disconnected(ConnectedAgent agent)
    {
        // Only this connection's entry: a reconnection may already have replaced it.
        if (agents.TryGetValue(agent.Site, out var current) && current.ConnectionId == agent.ConnectionId)
        {
            agents.TryRemove(new KeyValuePair<string, ConnectedAgent>(agent.Site, current));
        }
    }

    internal void Disconnected(AgentConnection connection)
    {
        connections.TryRemove(new KeyValuePair<string, AgentConnection>(connection.Site, connection));
    }
}

/// <summary>An agent on the link.</summary>
/// <param name="Site">The site it proved to hold the key of.</param>
/// <param name="KeyAddress">The site key's address, as the chain records it.</param>
/// <param name="Version">The agent's version, as it says.</param>
/// <param name="ConnectionId">This connection (a reconnection gets a new one).</param>
/// <param name="ConnectedAt">When the link opened.</param>
/// <param name="LastSeen">The latest message from it.</param>
public sealed record ConnectedAgent(string Site, string KeyAddress, string Version, string ConnectionId, DateTimeOffset ConnectedAt, DateTimeOffset LastSeen);
