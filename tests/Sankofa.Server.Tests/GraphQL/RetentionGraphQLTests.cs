using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.GraphQL;

/// <summary>
/// Archiving and deleting old audit entries through GraphQL against a real server and chain: the refusals REST gives
/// (no audit.archive, a missing, future or malformed cut-off naming 'before', a deletion within retention), then an
/// archive that REST shows alike, whose file is there and whose entries left the hot store, audited as REST audits it.
/// </summary>
public sealed class RetentionGraphQLTests : IAsyncLifetime
{
    private const string Archive = """
        mutation($before: DateTimeOffset) { createAuditArchive(before: $before) {
          id kind createdAt before firstBatch lastBatch firstSequence lastSequence entries oldestEntry newestEntry retainedUntil
          last { sequence hash batchId leafIndex proof } fileName fileSha256 file } }
        """;

    private const string Delete = "mutation($before: DateTimeOffset) { deleteAuditEntries(before: $before) { id } }";

    private TestServer server = null!;

    // Small batches, so the entries below fill whole batches that anchor soon.
    public async Task InitializeAsync() => server = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["Audit:BatchSize"] = "4" });

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Graphql_archives_old_entries_as_rest_does_and_refuses_what_rest_refuses_naming_before()
    {
        var (_, auditor) = await ServiceAccounts.CreateAsync(server.Client, "auditor");
        var now = DateTimeOffset.UtcNow;
        Assert.Equal("FORBIDDEN", GraphAnswers.Code(await GraphAsync(auditor, Archive, new { before = now })));
        Assert.Equal("FORBIDDEN", GraphAnswers.Code(await GraphAsync(auditor, Delete, new { before = now })));

        // A missing or future cut-off names the argument; a malformed one is refused before anything runs, naming it too.
        foreach (var before in new DateTimeOffset?[] { null, now.AddDays(1) })
        {
            var refused = GraphAnswers.Error(await GraphAsync(null, Archive, new { before }));
            Assert.Equal("BAD_USER_INPUT", refused.GetProperty("extensions").GetProperty("code").GetString());
            Assert.Equal("before", refused.GetProperty("extensions").GetProperty("data").GetProperty("argument").GetString());
        }

        using (var malformed = await server.Client.PostAsJsonAsync("graphql", new { query = "mutation { createAuditArchive(before: \"yesterday\") { id } }" }))
        {
            var body = await malformed.Content.ReadAsStringAsync();
            Assert.True(malformed.StatusCode == HttpStatusCode.BadRequest, body);
            Assert.Contains("'before'", GraphAnswers.Error(JsonDocument.Parse(body).RootElement).GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        // Deleting within the retention period is refused as REST refuses it, naming 'before' and the end of retention.
        var retained = GraphAnswers.Error(await GraphAsync(null, Delete, new { before = now }));
        Assert.Equal("CONFLICT", retained.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Contains("retained for 7 years", retained.GetProperty("extensions").GetProperty("data").GetProperty("fields").GetProperty("before")[0].GetString(), StringComparison.Ordinal);

        var recorded = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            recorded.Add((await server.RecordAsync("alice", "test.recorded", $"old-{i}", new { i })).Id);
        }

        await ChainAudit.WaitAllAnchoredAsync(server.Client, recorded, TimeSpan.FromSeconds(60));
        // In whole milliseconds, as clients write instants and the store keeps them, so REST's later read shows the same cut-off.
        var cutOff = Core.StoredInstant.Of(DateTimeOffset.UtcNow);
        var archive = GraphAnswers.Data(await GraphAsync(null, Archive, new { before = cutOff }), "createAuditArchive");

        // REST shows the same archive; its file is there with that hash; the archived entries left the hot store.
        var id = archive.GetProperty("id").GetInt64();
        var rest = await server.Client.GetFromJsonAsync<JsonElement>($"api/v1/audit/archives/{id}");
        foreach (var property in rest.EnumerateObject())
        {
            var graph = archive.GetProperty(property.Name);
            Assert.True(property.Value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(property.Value.GetString(), CultureInfo.InvariantCulture, out var time)
                    ? time == graph.GetDateTimeOffset()
                    : JsonElement.DeepEquals(property.Value, graph),
                $"{property.Name}: REST {property.Value}, GraphQL {graph}");
        }

        Assert.Equal("archived", archive.GetProperty("kind").GetString());
        Assert.True(archive.GetProperty("entries").GetInt64() >= recorded.Count);
        var file = await server.Client.GetByteArrayAsync(archive.GetProperty("file").GetString()!.TrimStart('/'));
        Assert.Equal(archive.GetProperty("fileSha256").GetString(), "0x" + Convert.ToHexStringLower(SHA256.HashData(file)));
        foreach (var entry in recorded)
        {
            using var gone = await server.Client.GetAsync($"api/v1/audit/entries/{entry}");
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        // Audited as REST audits it: the caller as actor (no adapter prefix), the archive as subject, its range and file hash.
        var me = (await server.Client.GetFromJsonAsync<JsonElement>("api/v1/me")).GetProperty("id").GetString();
        var audited = Assert.Single((await server.Client.GetFromJsonAsync<JsonElement>($"api/v1/audit/entries?subject=audit-archive:{id}")).GetProperty("items").EnumerateArray());
        Assert.Equal((me, "audit.archived"), (audited.GetProperty("actor").GetString(), audited.GetProperty("action").GetString()));
        var payload = JsonDocument.Parse(audited.GetProperty("payload").GetString()!).RootElement;
        Assert.Equal((id, archive.GetProperty("lastSequence").GetInt64(), archive.GetProperty("fileSha256").GetString()),
            (payload.GetProperty("archive").GetInt64(), payload.GetProperty("lastSequence").GetInt64(), payload.GetProperty("fileSha256").GetString()));

        // The same cut-off again finds nothing left to archive: a conflict naming 'before', as REST answers 409.
        var nothing = GraphAnswers.Error(await GraphAsync(null, Archive, new { before = cutOff }));
        Assert.Equal("CONFLICT", nothing.GetProperty("extensions").GetProperty("code").GetString());
        Assert.True(nothing.GetProperty("extensions").GetProperty("data").GetProperty("fields").TryGetProperty("before", out _), nothing.ToString());
    }

    /// <summary>Posts a document as the bearer of <paramref name="token"/>, or as the administrator when it is null.</summary>
    private async Task<JsonElement> GraphAsync(string? token, string query, object variables)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "graphql") { Content = JsonContent.Create(new { query, variables }) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await (token is null ? server.Client : server.Anonymous).SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}
