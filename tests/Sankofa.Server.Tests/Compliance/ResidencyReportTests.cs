using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Residency;
using Sankofa.Server.Compliance;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;
using Sankofa.TestSupport;

namespace Sankofa.Server.Tests.Compliance;

/// <summary>
/// The residency report against a real server, chain and emulated fleet: placements record the site's jurisdiction on
/// chain (checked with cast), and a resource moved outside its allowed jurisdictions by editing the store behind the
/// API's back is flagged, the chain's record naming where it really was placed.
/// </summary>
public sealed class ResidencyReportTests(ProvisioningFixture fixture) : IClassFixture<ProvisioningFixture>
{
    // This class's own harness: the first test restarts its server.
    private readonly ProvisioningHarness h = fixture.Harness;

    private async Task<ResidencyReportResponse> ReportAsync(string tenant, DateTimeOffset from)
    {
        using var response = await h.Client.GetAsync($"api/v1/compliance/residency?tenant={tenant}&from={Uri.EscapeDataString(from.ToString("O"))}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<ResidencyReportResponse>(text, Json.Options)!;
    }

    private async Task EditAsync(string resourceId, string site, string jurisdiction)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(h.DataDirectory, "sankofa.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE resources SET site_id = $site, placement = json_set(placement, '$.SiteId', $site, '$.Jurisdiction', $jurisdiction) WHERE id = $id";
        command.Parameters.AddWithValue("$site", site);
        command.Parameters.AddWithValue("$jurisdiction", jurisdiction);
        command.Parameters.AddWithValue("$id", resourceId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task A_resource_moved_outside_its_jurisdictions_behind_the_apis_back_is_flagged_against_the_chain_record()
    {
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await h.Client.PostAsJsonAsync("api/v1/tenants", new { id = tenant, name = tenant, quota = new { vcpu = 64, ramMiB = 262144, diskGiB = 4096, vms = 10 } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var created = await h.Client.PostAsJsonAsync($"api/v1/tenants/{tenant}/projects", new { id = "p-" + tenant, name = "P", quota = new { vcpu = 16, ramMiB = 65536, diskGiB = 1024, vms = 5 } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var home = (await h.Client.GetFromJsonAsync<JsonElement>("api/v1/sites/edge-001")).GetProperty("jurisdiction").GetString()!;
        var sites = await h.Client.GetFromJsonAsync<JsonElement>("api/v1/sites?limit=500");
        var abroad = sites.GetProperty("items").EnumerateArray().First(s => s.GetProperty("jurisdiction").GetString() != home);
        var pinned = JsonSerializer.SerializeToElement(ProvisioningHarness.Vm("p-" + tenant, "edge-001", "resident"));
        var body = JsonSerializer.Deserialize<Dictionary<string, object?>>(pinned.GetRawText())!;
        body["allowedJurisdictions"] = new[] { home };
        var resident = await h.CreateAsync(body);
        var free = await h.CreateAsync(ProvisioningHarness.Vm("p-" + tenant, "edge-002", "free"));
        await h.WaitForAsync(resident.Id, ResourceStatus.Verified);
        await h.WaitForAsync(free.Id, ResourceStatus.Verified);

        // As placed: both where the store says, the jurisdiction on chain with the placement, nothing flagged.
        var clean = await ReportAsync(tenant, from);
        Assert.Equal(0, clean.Flagged);
        var line = clean.Resources.Single(r => r.Id == resident.Id);
        Assert.Equal(("edge-001", home, home), (line.Site, line.Jurisdiction, line.Proof.Jurisdiction));
        Assert.Equal([home], line.AllowedJurisdictions);
        Assert.True(line.Proof.SiteMatches);
        Assert.Equal("provisioned", line.Proof.State);
        Assert.Null(clean.Resources.Single(r => r.Id == free.Id).AllowedJurisdictions);

        // A third party reads the same record with cast: jurisdictionOf(keccak(id)) is the code's ASCII bytes.
        var rpc = clean.Chain.Registry;
        var socket = Path.Combine(h.DataDirectory, "ledger", "anvil.ipc");
        Assert.Equal(line.Proof.ResourceKey, await Cast.RunAsync("keccak", resident.Id));
        var onChain = await Cast.RunAsync("call", "--rpc-url", socket, rpc, "jurisdictionOf(bytes32)(bytes2)", line.Proof.ResourceKey);
        Assert.Equal("0x" + Convert.ToHexStringLower(System.Text.Encoding.ASCII.GetBytes(home)), onChain);

        // Behind the API's back: the store now says the resident VM runs at a site abroad (the server restarts to drop
        // what it keeps in memory of placements).
        await h.StopServerAsync();
        try
        {
            await EditAsync(resident.Id, abroad.GetProperty("id").GetString()!, abroad.GetProperty("jurisdiction").GetString()!);
        }
        finally
        {
            await h.StartServerAsync();
        }

        var tampered = await ReportAsync(tenant, from);

        Assert.Equal(1, tampered.Flagged);
        var moved = tampered.Resources.Single(r => r.Id == resident.Id);
        Assert.Equal(abroad.GetProperty("jurisdiction").GetString(), moved.Jurisdiction);
        Assert.Contains(ResidencyFlags.OutsideAllowedJurisdictions, moved.Flags);
        Assert.Contains(ResidencyFlags.SiteDiffersFromChain, moved.Flags);
        Assert.Contains(ResidencyFlags.JurisdictionDiffersFromChain, moved.Flags);
        Assert.Equal(home, moved.Proof.Jurisdiction);
        Assert.False(moved.Proof.SiteMatches);
        Assert.Empty(tampered.Resources.Single(r => r.Id == free.Id).Flags);
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_field_and_an_unknown_tenant_a_404()
    {
        using var noTenant = await h.Client.GetAsync("api/v1/compliance/residency?from=2026-01-01T00:00:00Z");
        using var backwards = await h.Client.GetAsync("api/v1/compliance/residency?tenant=x&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z");
        using var unknown = await h.Client.GetAsync("api/v1/compliance/residency?tenant=no-such-tenant&from=2026-01-01T00:00:00Z");

        Assert.Equal(HttpStatusCode.BadRequest, noTenant.StatusCode);
        Assert.True((await noTenant.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("tenant", out _));
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.True((await backwards.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("to", out _));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
