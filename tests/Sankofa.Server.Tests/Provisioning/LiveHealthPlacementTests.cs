using System.Net.Http.Json;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Topology;

namespace Sankofa.Server.Tests.Provisioning;

/// <summary>Placement follows what the sites' hypervisors report: a site probed down takes no new VMs.</summary>
public sealed class LiveHealthPlacementTests : IAsyncLifetime
{
    private ProvisioningHarness harness = null!;

    public async Task InitializeAsync() => harness = await ProvisioningHarness.StartAsync();

    public async Task DisposeAsync() => await harness.DisposeAsync();

    private async Task<PlacementExplanation> ExplainNearAsync(Site site)
    {
        using var response = await harness.Client.PostAsJsonAsync("api/v1/placements", new
        {
            vcpu = 1, ramMiB = 1024, diskGiB = 10, template = "debian-12-cloud", tier = "edge",
            userLocation = new { latitude = site.Location.Latitude, longitude = site.Location.Longitude },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PlacementExplanation>(Json.Options))!;
    }

    [Fact]
    public async Task A_site_whose_hypervisor_stops_answering_gets_no_new_vms()
    {
        var site = SiteCatalog.Default.Get(ProvisioningHarness.Sites[0]);
        Assert.Equal(site.Id, (await ExplainNearAsync(site)).SiteId);

        harness.Emulator.Cluster(site.Id).Reachable = false;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await harness.Client.GetFromJsonAsync<SiteResponse>($"api/v1/sites/{site.Id}", Json.Options))!.Status != SiteStatus.Down)
        {
            Assert.True(DateTime.UtcNow < deadline, "the probe never saw the site go down");
            await Task.Delay(100);
        }

        var moved = await ExplainNearAsync(site);
        Assert.NotEqual(site.Id, moved.SiteId);
        Assert.Contains(site.Id, moved.Reason + string.Join(' ', moved.Rejected.Select(r => r.SiteId)), StringComparison.Ordinal);
    }
}
