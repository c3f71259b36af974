using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Audit;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Replicas;
using Sankofa.Core.Tenancy;
using Sankofa.Data;
using Sankofa.Server.Provisioning;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Provisioning;

/// <summary>
/// Kept answers of the resource reads: served again only while nothing changed, dropped by every change made through
/// the server, bounded in age for changes made by another server sharing the store, revalidated by entity tag.
/// </summary>
public sealed class ReadCacheTests(ProvisioningFixture fixture) : IClassFixture<ProvisioningFixture>
{
    private ProvisioningHarness H => fixture.Harness;

    [Fact]
    public async Task A_listed_page_shows_a_change_at_once_and_answers_304_to_its_own_entity_tag()
    {
        var project = await H.NewProjectAsync();
        var first = await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-001", "web-1"));
        await H.WaitForAsync(first.Id, ResourceStatus.Verified);

        var (etag, items) = await ListAsync(project);
        Assert.Equal([first.Id], items);
        var (again, _) = await ListAsync(project);
        Assert.Equal(etag, again);

        using (var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/resources?projectId={project}"))
        {
            request.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(etag));
            using var notModified = await H.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        }

        // The harness keeps answers for an hour: the new VM can only show because the write dropped them.
        var second = await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-002", "web-2"));
        var (changed, afterCreate) = await ListAsync(project);
        Assert.Equal([second.Id, first.Id], afterCreate);
        Assert.NotEqual(etag, changed);

        using (var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/resources?projectId={project}"))
        {
            request.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(etag));
            using var modified = await H.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
        }
    }

    [Fact]
    public async Task A_graphql_query_over_resources_shows_a_change_at_once()
    {
        var project = await H.NewProjectAsync();
        const string query = "query($p: String) { resources(projectId: $p, first: 10) { items { id status } next } }";
        Assert.Equal(0, (await GraphQLAsync(query, project)).GetArrayLength());
        Assert.Equal(0, (await GraphQLAsync(query, project)).GetArrayLength());

        var created = await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-003", "api-1"));
        var items = await GraphQLAsync(query, project);
        Assert.Equal(created.Id, Assert.Single(items.EnumerateArray()).GetProperty("id").GetString());

        // A refused argument is an error every time, never a kept answer.
        for (var i = 0; i < 2; i++)
        {
            using var refused = await H.Client.PostAsJsonAsync("graphql", new { query = "{ resources(first: 0) { next } }" });
            var body = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("BAD_USER_INPUT", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task A_change_by_another_server_is_seen_once_the_kept_answer_is_older_than_the_bound()
    {
        // Two stores on one database, as two servers would be: the cache sits on the first.
        var directory = Directory.CreateTempSubdirectory("sankofa-readcache-").FullName;
        try
        {
            await using var mine = await StoreAsync(directory);
            await using var theirs = await StoreAsync(directory);
            await SeenAfterTheBoundAsync(mine.GetRequiredService<IResourceStore>(), mine.GetRequiredService<IReplicaSignals>(), mine.GetRequiredService<ITenantStore>(), theirs.GetRequiredService<ITenantStore>());
        }
        finally
        {
            // Linux lets the files go while pooled connections still hold them.
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task SeenAfterTheBoundAsync(IResourceStore resources, IReplicaSignals signals, ITenantStore store, ITenantStore other)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = new ResourceReadCache(resources, signals, clock, Options.Create(new ReadCacheOptions { MaxAge = TimeSpan.FromSeconds(1) }));
        var key = ResourceReadCache.Key("test", new Microsoft.AspNetCore.Http.DefaultHttpContext(), "tenants"u8);

        async Task<CachedAnswer> ReadAsync()
        {
            var version = cache.Version;
            var tenants = await store.ListTenantsAsync(CancellationToken.None);
            return cache.Keep(key, version, JsonSerializer.SerializeToUtf8Bytes(tenants.Select(t => t.Id)));
        }

        await other.CreateTenantAsync(Tenant("t-1"), Audit("t-1"), CancellationToken.None);
        var kept = await ReadAsync();
        Assert.True(cache.TryGet(key, out var served));
        Assert.Same(kept, served);

        // Another server's change does not move this store's version: the kept answer stands until it is too old.
        await other.CreateTenantAsync(Tenant("t-2"), Audit("t-2"), CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(900));
        Assert.True(cache.TryGet(key, out _));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(cache.TryGet(key, out _));
        Assert.Contains("t-2", System.Text.Encoding.UTF8.GetString((await ReadAsync()).Body), StringComparison.Ordinal);
        Assert.True(cache.TryGet(key, out _));

        // A change through this store drops it at once.
        await store.CreateTenantAsync(Tenant("t-3"), Audit("t-3"), CancellationToken.None);
        Assert.False(cache.TryGet(key, out _));

        // An answer read before a change committed is not served under the newer version.
        var before = cache.Version;
        await store.CreateTenantAsync(Tenant("t-4"), Audit("t-4"), CancellationToken.None);
        cache.Keep(key, before, "[]"u8.ToArray());
        Assert.False(cache.TryGet(key, out _));
    }

    private static Tenant Tenant(string id) => new(id, "Tenant " + id, new ResourceTotals(8, 8192, 100, 4), new ResourceTotals(0, 0, 0, 0));

    private static AuditEvent Audit(string id) => new("test", "tenancy.tenant.created", "tenant:" + id, "{}");

    private static async Task<ServiceProvider> StoreAsync(string directory)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataDirectory"] = directory }).Build();
        var services = new ServiceCollection().AddLogging().AddSankofaStore(configuration).BuildServiceProvider();
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return services;
    }

    private async Task<(string ETag, string[] Ids)> ListAsync(string project)
    {
        using var response = await H.Client.GetAsync($"api/v1/resources?projectId={project}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<ResourcePageResponse>(Json.Options);
        return (response.Headers.ETag!.Tag, [.. page!.Items.Select(i => i.Id)]);
    }

    private async Task<JsonElement> GraphQLAsync(string query, string project)
    {
        using var response = await H.Client.PostAsJsonAsync("graphql", new { query, variables = new { p = project } });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.TryGetProperty("errors", out _), body.ToString());
        return body.GetProperty("data").GetProperty("resources").GetProperty("items");
    }
}
