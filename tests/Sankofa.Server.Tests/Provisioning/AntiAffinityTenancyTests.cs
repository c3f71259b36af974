using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Sankofa.Server.Tests.Provisioning;

/// <summary>Anti-affinity groups over REST, with two tenants each calling with its own token.</summary>
public sealed class AntiAffinityTenancyTests(ProvisioningFixture fixture) : IClassFixture<ProvisioningFixture>
{
    private ProvisioningHarness H => fixture.Harness;

    [Fact]
    public async Task A_group_is_its_tenants_own_so_another_tenant_with_the_same_name_neither_sees_where_it_runs_nor_blocks_it()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (projectA, clientA) = await TenantAsync("ga-" + suffix);
        var (projectB, clientB) = await TenantAsync("gb-" + suffix);
        using (clientA)
        using (clientB)
        {
            // A's group takes all but one of the sites that can take VMs (the harness emulates three; the rest are down).
            var sites = ProvisioningHarness.Sites.Length;
            for (var i = 0; i < sites - 1; i++)
            {
                await AcceptedAsync(clientA, projectA, $"a-{i}");
            }

            // B's preview under the same name is placed and says nothing of A's group.
            using (var preview = await clientB.PostAsJsonAsync("api/v1/placements", GroupVm(projectB, "b-0")))
            {
                var text = await preview.Content.ReadAsStringAsync();
                Assert.True(preview.StatusCode == HttpStatusCode.OK, text);
                Assert.DoesNotContain("antiAffinity", JsonSerializer.Deserialize<JsonElement>(text).GetProperty("rejected").ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain("already has a VM", text, StringComparison.Ordinal);
            }

            // B's group of the same name takes every site, the one A has left too, and A still gets it.
            var sitesOfB = new List<string>();
            for (var i = 0; i < sites; i++)
            {
                sitesOfB.Add(await AcceptedAsync(clientB, projectB, $"b-{i}"));
            }

            Assert.Equal(ProvisioningHarness.Sites.Order(), sitesOfB.Order());
            await AcceptedAsync(clientA, projectA, $"a-{sites - 1}");
        }
    }

    [Fact]
    public async Task A_preview_with_a_group_and_no_project_is_refused_naming_projectId()
    {
        using var preview = await H.Client.PostAsJsonAsync("api/v1/placements", GroupVm(null, "x"));
        var body = await preview.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, preview.StatusCode);
        Assert.Equal(["projectId"], body.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    private static async Task<string> AcceptedAsync(HttpClient client, string project, string name)
    {
        using var created = await client.PostAsJsonAsync("api/v1/resources", GroupVm(project, name));
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, $"{name}: {(int)created.StatusCode} {body}");
        return body.GetProperty("placement").GetProperty("siteId").GetString()!;
    }

    private static object GroupVm(string? projectId, string name) => new
    {
        projectId,
        name,
        vcpu = 1,
        ramMiB = 1024,
        diskGiB = 10,
        template = "debian-12-cloud",
        antiAffinityGroup = "db",
        antiAffinityScope = "site",
    };

    /// <summary>A tenant with a project, and a client holding the token of an operator of that tenant only.</summary>
    private async Task<(string Project, HttpClient Client)> TenantAsync(string tenant)
    {
        using (var created = await H.Client.PostAsJsonAsync("api/v1/tenants", new { id = tenant, name = "Tenant " + tenant, quota = new { vcpu = 64, ramMiB = 262144, diskGiB = 4096, vms = 20 } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var project = "p" + tenant;
        using (var created = await H.Client.PostAsJsonAsync($"api/v1/tenants/{tenant}/projects", new { id = project, name = "Project", quota = new { vcpu = 16, ramMiB = 65536, diskGiB = 1024, vms = 10 } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var (_, token) = await ServiceAccounts.CreateAsync(H.Client, "operator@" + tenant);
        var client = new HttpClient { BaseAddress = H.Server.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (project, client);
    }
}
