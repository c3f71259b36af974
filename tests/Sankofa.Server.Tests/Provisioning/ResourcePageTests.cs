using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sankofa.Core.Placement;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.Tests.Provisioning;

/// <summary>A server with the read cache switched off (ReadCache:MaxAge 0): every list is produced for its request.</summary>
public sealed class UncachedProvisioningFixture : IAsyncLifetime
{
    public ProvisioningHarness Harness { get; private set; } = null!;

    public async Task InitializeAsync() => Harness = await ProvisioningHarness.StartAsync(new Dictionary<string, string?> { ["ReadCache:MaxAge"] = "00:00:00" });

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}

/// <summary>
/// The resource list written field by field (<see cref="ResourcePageWriter"/>) is the contract, <see cref="ResourcePageResponse"/>,
/// byte for byte: read back with unknown fields refused and serialised again with the server's options, it is the same text.
/// </summary>
public sealed class ResourcePageTests(UncachedProvisioningFixture fixture) : IClassFixture<UncachedProvisioningFixture>
{
    private ProvisioningHarness H => fixture.Harness;

    private JsonSerializerOptions ServerJson =>
        H.Server.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

    [Fact]
    public async Task An_uncached_page_is_the_serialised_contract_with_an_entity_tag_and_its_cursor()
    {
        var project = await H.NewProjectAsync();
        var verified = await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-001", "web-1"));
        var deleted = await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-002", "web-2"));
        await H.WaitForAsync(verified.Id, ResourceStatus.Verified);
        await H.WaitForAsync(deleted.Id, ResourceStatus.Verified);
        using (var delete = await H.Client.DeleteAsync($"api/v1/resources/{deleted.Id}"))
        {
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        }

        await H.WaitForAsync(deleted.Id, ResourceStatus.Deleted);
        var pending = await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-003", "web-3"));

        // Settled, so the page produced twice below is the same page.
        await H.WaitForAsync(pending.Id, ResourceStatus.Verified);

        // Page one of two, then the rest by its cursor.
        var (first, etag) = await ListAsync($"api/v1/resources?projectId={project}&limit=2");
        var page = JsonSerializer.Deserialize<ResourcePageResponse>(first, ServerJson)!;
        Assert.Equal([pending.Id, deleted.Id], page.Items.Select(r => r.Id));
        Assert.Equal(first, JsonSerializer.SerializeToUtf8Bytes(page, ServerJson));
        Assert.NotNull(page.Next);
        Assert.NotNull(page.NextCursor);
        Assert.NotNull(page.Items[1].DeletedAt);
        Assert.NotEmpty(page.Items[1].Placement.Rejected);

        var (rest, _) = await ListAsync($"api/v1/resources?projectId={project}&limit=2&cursor={Uri.EscapeDataString(page.NextCursor!)}");
        var last = JsonSerializer.Deserialize<ResourcePageResponse>(rest, ServerJson)!;
        Assert.Equal([verified.Id], last.Items.Select(r => r.Id));
        Assert.Equal(rest, JsonSerializer.SerializeToUtf8Bytes(last, ServerJson));
        Assert.Null(last.Next);
        Assert.Equal("edge-001", last.Items[0].Vm!.Site);

        // Produced again, the same page has the same entity tag, and the client's copy is still good.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/resources?projectId={project}&limit=2");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag));
        using var notModified = await H.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public void Text_that_must_be_escaped_nulls_and_a_failover_are_written_as_the_serializer_writes_them()
    {
        var options = H.Server.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>();
        var writer = new ResourcePageWriter(options);
        var placement = new PlacementExplanation("edge-001", "Zürich <Nord> & \"Süd\"", "edge", "CH", "edge-001-h1", 12.34, 0.5, 0.9876,
            "Nearest with room; 'quoted' + emoji \U0001F680", "edge-002 was down: failed over", "web", [
                new RejectedExplanation("edge-002", null, null, "siteDown", "The site is down.\n(probe)"),
                new RejectedExplanation("core-001", 1_234.5, 20.25, "overLatency", "RTT 20.25 ms > 10 ms"),
            ]) { AllowedJurisdictions = ["CH", "DE"] };
        var at = new DateTimeOffset(2026, 12, 4, 20, 1, 2, 345, TimeSpan.Zero);
        Resource Of(string id, long sequence, ResourceStatus status, VirtualMachineRef? vm, string? failure, string? user, DateTimeOffset? deletedAt) => new(
            id, sequence, "t-1", "p-1", "web-" + sequence, new ResourceSpec(2, 2048, 20, "debian-12-cloud", sequence == 1 ? [] : ["ssh-ed25519 AAAA ops@example", "ssh-rsa B+/= x"], user),
            [0x01, 0xab, 0xff], status == ResourceStatus.Deleted ? DesiredState.Absent : DesiredState.Present, status, failure,
            sequence == 3 ? placement with { AllowedJurisdictions = null, Failover = null, AntiAffinityGroup = null, DistanceKm = null, EstimatedRttMs = null, Rejected = [] } : placement,
            vm, 0, at, at, at.AddSeconds(1), status == ResourceStatus.Verified ? at.AddSeconds(2) : null, deletedAt, null, null, 0);
        var resources = new[]
        {
            Of("vm-1", 1, ResourceStatus.Verified, new VirtualMachineRef("pve-1", 101), null, "ops", null),
            Of("vm-2", 2, ResourceStatus.Failed, null, "Clone failed: \"disk\" <full> — retry later", null, null),
            Of("vm-3", 3, ResourceStatus.Deleted, new VirtualMachineRef("pve-2", 102), null, "ünïcode", at.AddMinutes(5)),
        };

        foreach (var page in new[]
        {
            new ResourcePage(resources, 3) { Next = new ResourceCursor(ResourceSort.Created, true, "3", 3) },
            new ResourcePage(resources, null),
            new ResourcePage([], null),
        })
        {
            var expected = JsonSerializer.SerializeToUtf8Bytes(ResourcePageResponse.From(page), options.Value.SerializerOptions);
            var items = new ResourceJsonPage([.. page.Items.Select(r => new ReadOnlyMemory<byte>(ResourceListJson.Of(r)))], page.NextBefore) { Next = page.Next };
            Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(writer.ToArray(items)));
        }
    }

    private async Task<(byte[] Body, string ETag)> ListAsync(string path)
    {
        using var response = await H.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadAsByteArrayAsync(), response.Headers.ETag!.Tag);
    }
}
