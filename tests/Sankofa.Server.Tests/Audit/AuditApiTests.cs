using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sankofa.Core.Audit;
using Sankofa.Server.Audit;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Audit;

/// <summary>The audit API on SQLite.</summary>
public sealed class AuditApiSqliteTests(ServerFixture fixture) : AuditApiTests(fixture), IClassFixture<ServerFixture>;

/// <summary>The same tests against a server on PostgreSQL, where appending, sealing and reading take other SQL.</summary>
public sealed class AuditApiPostgresTests(PostgresServerFixture fixture) : AuditApiTests(fixture), IClassFixture<PostgresServerFixture>;

/// <summary>What the audit API must do whatever the store (<see cref="AuditApiSqliteTests"/>, <see cref="AuditApiPostgresTests"/>).</summary>
public abstract class AuditApiTests(ServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task A_recorded_event_is_sealed_anchored_on_chain_and_verifies()
    {
        var created = await Server.RecordAsync(action: "site.maintenance.started", subject: "site:edge-042", payload: new { ticket = "CHG-1" });
        Assert.Equal("pending", created.Status);
        Assert.Equal("""{"ticket":"CHG-1"}""", created.Payload);

        var anchored = await Server.WaitAnchoredAsync(created.Id);
        Assert.NotNull(anchored.Seal);
        Assert.NotNull(anchored.Batch?.Anchor);
        Assert.StartsWith("0x", anchored.Batch.Anchor.TransactionHash, StringComparison.Ordinal);

        var verification = await Server.Client.GetFromJsonAsync<AuditVerificationResponse>(
            $"api/v1/audit/entries/{created.Id}/verification", Json.Options);
        Assert.Equal(AuditVerificationStatus.Verified, verification!.Status);
        Assert.Empty(verification.Problems);
    }

    [Fact]
    public async Task The_first_start_records_its_own_key_creation_and_contract_deployment()
    {
        var ledger = await Server.Client.GetFromJsonAsync<JsonElement>("api/v1/ledger");

        var deployed = await Server.Client.GetFromJsonAsync<AuditPageResponse>("api/v1/audit/entries?action=ledger.contract.deployed", Json.Options);
        var key = await Server.Client.GetFromJsonAsync<AuditPageResponse>("api/v1/audit/entries?action=ledger.key.created", Json.Options);

        Assert.Equal(
            new[] { "auditAnchorAddress", "resourceRegistryAddress", "identityRegistryAddress", "billingAddress", "custodyAddress" }.Select(p => ledger.GetProperty(p).GetString()!.ToUpperInvariant()).Order(),
            deployed!.Items.Select(e => e.Subject.ToUpperInvariant()).Order());
        Assert.Equal(ledger.GetProperty("signerAddress").GetString(), Assert.Single(key!.Items).Subject, ignoreCase: true);
        Assert.DoesNotContain("password", key.Items[0].Payload!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_hashed_entry_names_the_authenticated_caller_and_a_stated_actor_is_kept_apart_in_the_payload()
    {
        var caller = (await Server.Client.GetFromJsonAsync<JsonElement>("api/v1/me")).GetProperty("id").GetString();

        var stated = await Server.RecordAsync("mallory", "test.recorded", "thing", new { ticket = "CHG-2" });
        Assert.Equal(caller, stated.Actor);
        Assert.Equal("""{"statedActor":"mallory","payload":{"ticket":"CHG-2"}}""", stated.Payload);

        var own = await Server.RecordAsync(payload: new { ticket = "CHG-3" });
        Assert.Equal(caller, own.Actor);
        Assert.Equal("""{"ticket":"CHG-3"}""", own.Payload);

        // The actor is part of what is hashed and anchored: the anchored entry still names the caller.
        Assert.Equal(caller, (await Server.WaitAnchoredAsync(stated.Id)).Actor);
    }

    [Theory]
    [InlineData("""{"actor":"a","action":"x.y","subject":"s","payload":{},"extra":1}""", "extra")]
    [InlineData("""{"actor":"a","action":"x.y","subject":"s"}""", "payload")]
    [InlineData("""{"actor":"a\u0000b","action":"x.y","subject":"s","payload":{}}""", "actor")]
    [InlineData("""{"actor":"a","action":"nodot","subject":"s","payload":{}}""", "action")]
    [InlineData("""{"actor":"a","action":"x.y","subject":"","payload":{}}""", "subject")]
    [InlineData("""{"actor":5,"action":"x.y","subject":"s","payload":{}}""", "actor")]
    [InlineData("""{"actor":"a",""", "body")]
    [InlineData("", "body")]
    public async Task A_bad_event_gets_a_400_problem_naming_the_field(string body, string field)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Server.Client.PostAsync("api/v1/audit/entries", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("before=-1", "before")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to")]
    public async Task A_bad_query_gets_a_400_problem_naming_the_parameter(string query, string field)
    {
        using var response = await Server.Client.GetAsync("api/v1/audit/entries?" + query);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("api/v1/audit/entries/987654321")]
    [InlineData("api/v1/audit/entries/987654321/verification")]
    [InlineData("api/v1/audit/batches/987654321")]
    public async Task An_unknown_id_gets_a_404_problem(string path)
    {
        using var response = await Server.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("987654321", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_filters_by_subject_and_pages_without_gaps_or_repeats()
    {
        var subject = "vm-" + Guid.NewGuid().ToString("N");
        var ids = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((await Server.RecordAsync(subject: subject, payload: new { i })).Id);
        }

        var seen = new List<long>();
        string? next = null;
        do
        {
            var url = $"api/v1/audit/entries?subject={subject}&limit=3" + (next is null ? "" : "&before=" + next);
            var page = await Server.Client.GetFromJsonAsync<AuditPageResponse>(url, Json.Options);
            seen.AddRange(page!.Items.Select(e => e.Id));
            Assert.True(page.Items.Count <= 3);
            next = page.Next?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        while (next is not null);

        Assert.Equal(ids.OrderDescending(), seen);
    }

    [Fact]
    public async Task The_chain_listing_returns_sealed_entries_in_sequence_order()
    {
        var last = await Server.RecordAsync();
        await Server.WaitAnchoredAsync(last.Id);

        var page = await Server.Client.GetFromJsonAsync<AuditPageResponse>("api/v1/audit/chain?fromSequence=1&limit=1000", Json.Options);

        var sequences = page!.Items.Select(e => e.Seal!.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
        Assert.Contains(last.Id, page.Items.Select(e => e.Id));
    }

    [Fact]
    public async Task A_listed_page_is_the_serialised_contract_byte_for_byte()
    {
        // One anchored, one just recorded (pending or already sealed); a payload the encoder must escape.
        var subject = "vm-" + Guid.NewGuid().ToString("N");
        var anchored = await Server.RecordAsync(subject: subject, payload: new { note = "Zürich <edge> & \"quoted\" \U0001F680", n = 1 });
        await Server.WaitAnchoredAsync(anchored.Id);
        var recent = await Server.RecordAsync(subject: subject, payload: new { n = 2 });
        var options = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>(Server.Services).Value.SerializerOptions;

        foreach (var path in new[] { $"api/v1/audit/entries?subject={subject}", $"api/v1/audit/entries?subject={subject}&limit=1", "api/v1/audit/chain?fromSequence=1&limit=5" })
        {
            using var response = await Server.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var body = await response.Content.ReadAsByteArrayAsync();

            // Read back with unknown fields refused (the server's options) and written again: the same text.
            var page = JsonSerializer.Deserialize<AuditPageResponse>(body, options)!;
            Assert.Equal(Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(page, options)), Encoding.UTF8.GetString(body));
            Assert.NotEmpty(page.Items);
        }

        var listed = JsonSerializer.Deserialize<AuditPageResponse>(await Server.Client.GetByteArrayAsync($"api/v1/audit/entries?subject={subject}"), options)!;
        Assert.Equal([recent.Id, anchored.Id], listed.Items.Select(e => e.Id));
        Assert.Equal("anchored", listed.Items[1].Status);
        Assert.Equal(anchored.Id, listed.Items[1].Id);
        Assert.NotNull(listed.Items[1].Seal);
        Assert.Null(listed.Items[1].Batch);
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.True(problem.RootElement.TryGetProperty("errors", out var errors), "no 'errors' in " + body);
        Assert.True(errors.TryGetProperty(field, out _), $"'{field}' not named in {body}");
    }
}
