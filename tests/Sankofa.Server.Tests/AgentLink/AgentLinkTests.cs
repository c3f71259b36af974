using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Sankofa.Agent.Keys;
using Sankofa.Agent.Link;
using Sankofa.Core.Ledger;
using Sankofa.Server.AgentLink;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.AgentLink;

/// <summary>A server with an agent link on its own HTTP/2 port.</summary>
public sealed class AgentLinkFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(settings: new Dictionary<string, string?>
    {
        ["AgentLink:Url"] = "http://127.0.0.1:0",
        ["AgentLink:HeartbeatInterval"] = "00:00:01",
        ["AgentLink:MaintainInterval"] = "00:00:01",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// A site agent dials out to the control plane and is let in only with both its service account's token for the site
/// and a signature by the key the chain records for that site.
/// </summary>
public sealed class AgentLinkTests(AgentLinkFixture fixture) : IClassFixture<AgentLinkFixture>, IDisposable
{
    private readonly DirectoryInfo keys = Directory.CreateTempSubdirectory("sankofa-agent-keys-");

    private TestServer Server => fixture.Server;

    private Uri LinkAddress => Server.Services.GetRequiredService<AgentLinkEndpoint>().Address!;

    [Fact]
    public async Task An_agent_with_its_sites_token_and_registered_key_links_and_stays_seen()
    {
        const string site = "edge-011";
        var key = await RegisteredKeyAsync(site);
        var (clientId, secret) = await ServiceAccounts.CreateClientAsync(Server.Client, "site-agent@" + site);

        await using var agent = Run(site, clientId, secret, key);
        var connected = await RunningAgent.WaitAsync(() => Server.Services.GetRequiredService<ConnectedAgents>().Find(site), a => a is not null, "the agent never linked");
        var seen = await RunningAgent.WaitAsync(() => Server.Services.GetRequiredService<ConnectedAgents>().Find(site), a => a!.LastSeen > connected!.ConnectedAt, "no heartbeat arrived");

        var state = await RunningAgent.WaitAsync(() => agent.Client.State, s => s.Status == LinkStatus.Connected, "the agent never said it linked");

        Assert.Equal(key.Address, seen!.KeyAddress, ignoreCase: true);
        Assert.Equal(LinkAddress, state.Server);
    }

    [Fact]
    public async Task A_linked_agent_marks_its_heartbeat_file_at_each_heartbeat_and_not_before_it_links()
    {
        const string site = "edge-016";
        var key = await RegisteredKeyAsync(site);
        var (clientId, secret) = await ServiceAccounts.CreateClientAsync(Server.Client, "site-agent@" + site);
        var file = Path.Combine(keys.FullName, "heartbeat");

        // Pointed at nothing that answers, it never links, and marks nothing.
        await using (var unlinked = Run(site, clientId, secret, key, new Uri("http://127.0.0.1:1"), TimeSpan.FromMilliseconds(100), file))
        {
            await RunningAgent.WaitAsync(() => unlinked.Client.State, s => s.LastError is not null, "the agent never tried");
            Assert.False(File.Exists(file), "an agent that never linked marked its heartbeat file");
        }

        await using var agent = Run(site, clientId, secret, key, heartbeatFile: file);
        await RunningAgent.WaitAsync(() => agent.Client.State, s => s.Status == LinkStatus.Connected, "the agent never linked");
        var first = await RunningAgent.WaitAsync(() => File.Exists(file) ? File.GetLastWriteTimeUtc(file) : DateTime.MinValue, t => t > DateTime.MinValue, "no heartbeat marked the file");

        // The fixture's heartbeat is every second: the next one moves the mark on.
        var next = await RunningAgent.WaitAsync(() => File.GetLastWriteTimeUtc(file), t => t > first, "the next heartbeat did not mark the file again");
        Assert.True(next > first);
    }

    [Fact]
    public async Task Through_a_tunnel_that_drops_the_agent_links_again_when_it_is_back()
    {
        const string site = "edge-015";
        var key = await RegisteredKeyAsync(site);
        var (clientId, secret) = await ServiceAccounts.CreateClientAsync(Server.Client, "site-agent@" + site);
        var link = new Uri((await Server.Anonymous.GetFromJsonAsync<JsonElement>("api/v1/agent-link")).GetProperty("url").GetString()!);
        var agents = Server.Services.GetRequiredService<ConnectedAgents>();

        var tunnel = await Http2Tunnel.StartAsync(link);
        var port = tunnel.Address.Port;
        await using var agent = Run(site, clientId, secret, key, tunnel.Address, TimeSpan.FromMilliseconds(200));
        var first = await RunningAgent.WaitAsync(() => agents.Find(site), a => a is not null, "the agent never linked through the tunnel");

        await tunnel.DisposeAsync(); // the line is cut
        await RunningAgent.WaitAsync(() => agent.Client.State, s => s.Status == LinkStatus.Connecting, "the agent never noticed the cut");
        await using var again = await Http2Tunnel.StartAsync(link, port);
        var second = await RunningAgent.WaitAsync(() => agents.Find(site), a => a is not null && a.ConnectionId != first!.ConnectionId, "the agent never linked again");

        var state = await RunningAgent.WaitAsync(() => agent.Client.State, s => s.Status == LinkStatus.Connected, "the agent never said it linked again");

        Assert.Equal(tunnel.Address, state.Server);
        Assert.Equal(first!.KeyAddress, second!.KeyAddress);
    }

    [Fact]
    public async Task A_key_the_chain_does_not_record_for_the_site_is_refused()
    {
        const string site = "edge-012";
        await RegisteredKeyAsync(site);
        var (clientId, secret) = await ServiceAccounts.CreateClientAsync(Server.Client, "site-agent@" + site);

        await using var agent = Run(site, clientId, secret, NewKey());
        var state = await RunningAgent.WaitAsync(() => agent.Client.State, s => s.LastError is not null, "the agent was never refused");

        Assert.Contains("not signed by the key the chain records for site " + site, state.LastError, StringComparison.Ordinal);
        Assert.Null(Server.Services.GetRequiredService<ConnectedAgents>().Find(site));
    }

    [Fact]
    public async Task A_token_for_another_site_is_refused_whatever_the_key()
    {
        const string site = "edge-013";
        var key = await RegisteredKeyAsync(site);
        var (clientId, secret) = await ServiceAccounts.CreateClientAsync(Server.Client, "site-agent@edge-014");

        await using var agent = Run(site, clientId, secret, key);
        var state = await RunningAgent.WaitAsync(() => agent.Client.State, s => s.LastError is not null, "the agent was never refused");

        Assert.Contains($"does not hold site-agent@{site}", state.LastError, StringComparison.Ordinal);
        Assert.Null(Server.Services.GetRequiredService<ConnectedAgents>().Find(site));
    }

    public void Dispose() => keys.Delete(recursive: true);

    private RunningAgent Run(string site, string clientId, string secret, SiteKey key, Uri? through = null, TimeSpan? retry = null, string? heartbeatFile = null)
    {
        var options = new AgentLinkClientOptions { Site = site, ClientId = clientId, ClientSecret = secret, MinRetryDelay = retry ?? TimeSpan.FromSeconds(5), HeartbeatFile = heartbeatFile };
        options.Servers.Add(through ?? LinkAddress);
        return new RunningAgent(new AgentLinkClient(options, SiteKeys.Fixed(key), TimeProvider.System, NullLogger<AgentLinkClient>.Instance));
    }

    /// <summary>A site key, registered on chain for the site as approval does.</summary>
    private async Task<SiteKey> RegisteredKeyAsync(string site)
    {
        var key = NewKey();
        var ledger = Server.Services.GetRequiredService<IResourceLedger>();
        var digest = await ledger.SiteKeyDigestAsync(site, key.Address, CancellationToken.None);
        await ledger.RegisterSiteKeyAsync(site, key.Address, key.Sign(digest), CancellationToken.None);
        return key;
    }

    private SiteKey NewKey() => SiteKey.CreateIn(Path.Combine(keys.FullName, Guid.NewGuid().ToString("N")));
}
