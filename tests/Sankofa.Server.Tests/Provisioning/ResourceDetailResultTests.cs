using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sankofa.Core.Ledger;
using Sankofa.Core.Placement;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.Tests.Provisioning;

/// <summary>
/// GET /api/v1/resources/{id} written from the resource's kept list item (<see cref="ResourceDetailResult"/>) is the
/// contract, <see cref="ResourceResponse"/>, byte for byte: the same text the serializer writes for the resource as the
/// store reads it, with its history and the chain's record.
/// </summary>
public sealed class ResourceDetailResultTests(ProvisioningFixture fixture) : IClassFixture<ProvisioningFixture>
{
    private ProvisioningHarness H => fixture.Harness;

    private JsonSerializerOptions ServerJson =>
        H.Server.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

    [Fact]
    public async Task A_verified_resource_read_over_http_is_the_serialised_resource_with_its_history_and_the_chains_record()
    {
        var project = await H.NewProjectAsync();
        var created = await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-002", "detail-1"));
        await H.WaitForAsync(created.Id, ResourceStatus.Verified);

        using var response = await H.Client.GetAsync($"api/v1/resources/{created.Id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);

        // Read back with unknown fields refused, and serialised again: the same text.
        var answer = JsonSerializer.Deserialize<ResourceResponse>(body, ServerJson)!;
        Assert.Equal(Encoding.UTF8.GetString(body), Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(answer, ServerJson)));

        // And it is the resource as the store holds it, with its history and the chain's record as the chain holds it.
        var store = H.Server.Services.GetRequiredService<IResourceStore>();
        var resource = (await store.GetResourceAsync(created.Id, CancellationToken.None))!;
        var events = await store.GetEventsAsync(created.Id, CancellationToken.None);
        var onChain = (await H.Server.Services.GetRequiredService<IResourceLedger>().GetAsync(created.Id, CancellationToken.None))!;
        Assert.True(onChain.Verified);
        var expected = resource.ToResponse() with
        {
            Events = [.. events.Select(e => e.ToResponse())],
            OnChain = onChain.ToResponse() with { ReadAtBlock = answer.OnChain!.ReadAtBlock },
        };
        Assert.Equal(Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(expected, ServerJson)), Encoding.UTF8.GetString(body));
        Assert.Equal(["resource.requested", "chain.placed", "vm.provisioning", "chain.provisioned", "chain.verified"], answer.Events!.Select(e => e.Kind));
        Assert.Null(answer.OnChainError);

        using var missing = await H.Client.GetAsync("api/v1/resources/vm-nowhere");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public void Text_that_must_be_escaped_no_history_and_a_chain_away_are_written_as_the_serializer_writes_them()
    {
        var placement = new PlacementExplanation("edge-001", "Zürich <Nord> & \"Süd\"", "edge", "CH", "edge-001-h1", 12.34, 0.5, 0.9876,
            "Nearest with room; 'quoted' + emoji \U0001F680", "edge-002 was down: failed over", "web", [
                new RejectedExplanation("edge-002", null, null, "siteDown", "The site is down.\n(probe)"),
            ]) { AllowedJurisdictions = ["CH"] };
        var at = new DateTimeOffset(2026, 12, 4, 20, 1, 2, 345, TimeSpan.Zero);
        var resource = new Resource("vm-<1>", 7, "t-1", "p-1", "web \"eins\" ü", new ResourceSpec(2, 2048, 20, "debian-12-cloud", ["ssh-ed25519 AAAA ops@example"], "ops"),
            [0x01, 0xab], DesiredState.Present, ResourceStatus.Failed, "Clone failed: \"disk\" <full>\n— retry", placement, new VirtualMachineRef("pve-1", 101),
            2, at, at, at.AddSeconds(1), null, null, null, null, 3);
        var events = new[]
        {
            new EventResponse(at, ResourceStatus.Requested, "resource.requested", "Placed on <edge-001> & \"h1\""),
            new EventResponse(at.AddSeconds(1), ResourceStatus.Failed, "vm.failed", "ünïcode \U0001F680\ttab"),
        };
        var record = new OnChainResponse(OnChainResourceState.Provisioned, "0x01", "0x02", "0x03", "0x04", "0x05", 42, false, 43);

        foreach (var (history, onChain, error) in new (EventResponse[], OnChainResponse?, string?)[]
        {
            (events, record, null),
            (events, record with { ReadAtBlock = null }, null),
            ([], null, "The chain is away: \"connection refused\" <127.0.0.1>"),
        })
        {
            var expected = resource.ToResponse() with { Events = history, OnChain = onChain, OnChainError = error };
            var written = new System.Buffers.ArrayBufferWriter<byte>();
            new ResourceDetailResult(new ResourceJson(resource.Id, resource.TenantId, resource.UpdatedAt, ResourceListJson.Of(resource)), history, onChain, error)
                .Write(written, ServerJson);
            Assert.Equal(Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(expected, ServerJson)), Encoding.UTF8.GetString(written.WrittenSpan));
        }

        // An item of a format this writer does not know is refused rather than answered wrongly.
        var unknown = new ResourceDetailResult(new ResourceJson(resource.Id, resource.TenantId, resource.UpdatedAt, "{\"id\":\"vm-1\"}"u8.ToArray()), events, null, null);
        Assert.Throws<InvalidOperationException>(() => unknown.Write(new System.Buffers.ArrayBufferWriter<byte>(), ServerJson));
    }
}
