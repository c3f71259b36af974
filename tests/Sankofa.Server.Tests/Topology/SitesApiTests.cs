using System.Net;
using System.Net.Http.Json;
using Sankofa.Core.Topology;
using Sankofa.Proxmox.Emulator;
using Sankofa.Server.Audit;
using Sankofa.Server.Tests.Audit;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Topology;

namespace Sankofa.Server.Tests.Topology;

public class SitesApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Fact]
    public async Task Paging_through_every_site_returns_the_full_catalog_once()
    {
        var seen = new List<SiteResponse>();
        string? after = null;
        do
        {
            var page = await Client.GetFromJsonAsync<SitePageResponse>("api/v1/sites?limit=100" + (after is null ? "" : "&after=" + after), Json.Options);
            seen.AddRange(page!.Items);
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal(325, seen.Count);
        Assert.Equal(325, seen.Select(s => s.Id).Distinct().Count());
        Assert.Equal(13, seen.Count(s => s.Tier == SiteTier.Core));
        Assert.Equal(62, seen.Count(s => s.Tier == SiteTier.Regional));
        Assert.Equal(250, seen.Count(s => s.Tier == SiteTier.Edge));
    }

    [Fact]
    public async Task Filters_narrow_the_list_and_a_site_shows_its_hosts_and_links()
    {
        var core = await Client.GetFromJsonAsync<SitePageResponse>("api/v1/sites?tier=core&limit=500", Json.Options);
        Assert.All(core!.Items, s => Assert.Equal(SiteTier.Core, s.Tier));
        Assert.Equal(13, core.Items.Count);

        var edge = SiteCatalog.Default.OfTier(SiteTier.Edge)[0];
        var one = await Client.GetFromJsonAsync<SiteResponse>($"api/v1/sites/{edge.Id}", Json.Options);
        Assert.Equal(edge.UplinkSiteId, one!.Uplink);
        Assert.Equal(edge.Hosts.Count, one.Hosts!.Count);
        Assert.Equal(edge.Hosts.Sum(h => h.Capacity.VCpu), one.Capacity.VCpu);
        Assert.Equal("catalog", one.StatusSource);
        Assert.False(one.Provisionable); // this server drives no hypervisor there, so placement treats the site as down

        var inCountry = await Client.GetFromJsonAsync<SitePageResponse>($"api/v1/sites?jurisdiction={edge.Jurisdiction.ToLowerInvariant()}&limit=500", Json.Options);
        Assert.Contains(inCountry!.Items, s => s.Id == edge.Id);
        Assert.All(inCountry.Items, s => Assert.Equal(edge.Jurisdiction, s.Jurisdiction));
    }

    [Theory]
    [InlineData("tier=orbital", "tier")]
    [InlineData("status=sleepy", "status")]
    [InlineData("jurisdiction=XX", "jurisdiction")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=many", "limit")]
    public async Task A_bad_query_names_the_parameter(string query, string field)
    {
        using var response = await Client.GetAsync("api/v1/sites?" + query);

        await AuditApiTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task An_unknown_site_is_a_404_problem()
    {
        using var response = await Client.GetAsync("api/v1/sites/atlantis-1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary>Health comes from probing the site's hypervisor: a node going away shows as a degraded site.</summary>
public sealed class SiteHealthTests : IAsyncLifetime
{
    private readonly Site site = SiteCatalog.Default.OfTier(SiteTier.Edge).First(s => s.Hosts.Count >= 2);
    private ProxmoxEmulator emulator = null!;
    private TestServer server = null!;

    public async Task InitializeAsync()
    {
        var options = new ProxmoxEmulatorOptions();
        var cluster = new EmulatedClusterOptions { Id = site.Id };
        cluster.Nodes.Clear();
        foreach (var host in site.Hosts)
        {
            cluster.Nodes.Add(new EmulatedNodeOptions { Name = host.Id });
        }

        cluster.Templates.Clear();
        options.Clusters.Add(cluster);
        emulator = await ProxmoxEmulator.StartAsync(options);
        var c = emulator.Cluster(site.Id);
        server = await TestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            [$"Proxmox:Clusters:{site.Id}:BaseUrl"] = c.BaseUrl.ToString(),
            [$"Proxmox:Clusters:{site.Id}:TokenId"] = c.TokenId,
            [$"Proxmox:Clusters:{site.Id}:TokenSecret"] = c.TokenSecret,
            ["Topology:ProbeInterval"] = "00:00:00.200",
        });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_site_whose_node_goes_away_turns_degraded_then_down_when_unreachable()
    {
        var up = await WaitForAsync(s => s.StatusSource == "probe" && s.Status == SiteStatus.Up);
        Assert.All(up.Hosts!, h => Assert.Equal(SiteStatus.Up, h.Status));

        emulator.Cluster(site.Id).SetNodeOnline(site.Hosts[1].Id, online: false);
        var degraded = await WaitForAsync(s => s.Status == SiteStatus.Degraded);
        Assert.Equal(SiteStatus.Down, degraded.Hosts!.Single(h => h.Id == site.Hosts[1].Id).Status);

        emulator.Cluster(site.Id).Reachable = false;
        var down = await WaitForAsync(s => s.Status == SiteStatus.Down);
        Assert.NotNull(down.ProbeError);
    }

    private async Task<SiteResponse> WaitForAsync(Func<SiteResponse, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var s = await server.Client.GetFromJsonAsync<SiteResponse>($"api/v1/sites/{site.Id}", Json.Options);
            if (condition(s!))
            {
                return s!;
            }

            Assert.True(DateTime.UtcNow < deadline, $"site {site.Id} never reached the expected state; last: {s!.Status} ({s.StatusSource})");
            await Task.Delay(100);
        }
    }
}
