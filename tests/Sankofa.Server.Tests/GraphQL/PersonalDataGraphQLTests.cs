using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using Sankofa.Core.Audit;
using Sankofa.Core.PersonalData;
using Sankofa.Server.Tests.Identity.Oidc;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.GraphQL;

/// <summary>
/// Subject-access export and erasure through GraphQL against a real server, chain and SQLite store: the export equals
/// REST's field by field, the erasure is refused without privacy.erase, and once made it leaves nothing personal
/// readable (through either API or in the store's rows), its issuer grants gone, while every audit proof still
/// verifies against the roots read from the chain.
/// </summary>
public sealed class PersonalDataGraphQLTests(PersonalDataGraphQLTests.Server fixture) : IClassFixture<PersonalDataGraphQLTests.Server>
{
    private const string Password = "correct horse battery staple";
    private const string Email = "kofi.boateng@example.org";
    private const string DisplayName = "Kofi Boateng";

    private const string ExportQuery = """
        query($id: String!) { subjectExport(id: $id) {
          subjectId exportedAt erased erasedAt auditEntriesTruncated
          identity { id kind name status roles mustChangePassword controller did createdAt updatedAt
            chain { recorded lastBlock pending failed steps { id step role state attempts transaction block error } } }
          personal { field value }
          auditEntries { id time actor action subject payload disclosed { path value } } } }
        """;

    private const string EraseMutation = "mutation($id: String!) { eraseSubject(id: $id) { subjectId erasedAt alreadyErased } }";

    private readonly string userName = "kofi" + Guid.NewGuid().ToString("N")[..8];

    private TestServer S => fixture.TestServer;

    /// <summary>One server for the class, its issuer accepting the portal's redirect so a user signs in with a password.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public TestServer TestServer { get; private set; } = null!;

        public async Task InitializeAsync() => TestServer = await TestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Oidc:PortalRedirectUris:0"] = OidcFlows.RedirectUri, ["Audit:BatchSize"] = "8",
        });

        public async Task DisposeAsync() => await TestServer.DisposeAsync();
    }

    [Fact]
    public async Task An_export_over_graphql_equals_the_rest_export_for_the_subject_itself_and_for_a_privacy_officer()
    {
        var (id, token) = await UserAsync();
        var (_, officer) = await ServiceAccounts.CreateAsync(S.Client, "privacy-officer");

        foreach (var caller in new[] { token, officer })
        {
            var graph = GraphAnswers.Data(await GraphAsync(caller, ExportQuery, new { id }), "subjectExport");
            var rest = await RestExportAsync(id, caller);
            AssertSameExport(rest, graph);
            Assert.Equal((userName, Email, DisplayName), (Personal(graph)["userName"], Personal(graph)["email"], Personal(graph)["displayName"]));
        }

        // The creation entry's payload is the text that was hashed, its sealed name opened beside it.
        var export = GraphAnswers.Data(await GraphAsync(officer, ExportQuery, new { id }), "subjectExport");
        var creation = export.GetProperty("auditEntries").EnumerateArray().Single(e => e.GetProperty("action").GetString() == "identity.account.created");
        var payload = creation.GetProperty("payload").GetString()!;
        var stored = await S.Client.GetFromJsonAsync<JsonElement>($"api/v1/audit/entries/{creation.GetProperty("id").GetInt64()}");
        Assert.Equal(stored.GetProperty("payloadHash").GetString(), "0x" + Convert.ToHexStringLower(AuditHashing.PayloadHash(payload)));
        Assert.StartsWith(PersonalDataCipher.Prefix, JsonDocument.Parse(payload).RootElement.GetProperty("name").GetString(), StringComparison.Ordinal);
        var disclosed = Assert.Single(creation.GetProperty("disclosed").EnumerateArray());
        Assert.Equal(("$.name", userName), (disclosed.GetProperty("path").GetString(), disclosed.GetProperty("value").GetString()));

        // Another identity's export needs privacy.export: an auditor reads the audit log but not this.
        var (_, auditor) = await ServiceAccounts.CreateAsync(S.Client, "auditor");
        Assert.Equal("FORBIDDEN", GraphAnswers.Code(await GraphAsync(auditor, ExportQuery, new { id })));
        Assert.Equal(JsonValueKind.Null, (await GraphAsync(officer, ExportQuery, new { id = "usr-0000000000000000" })).GetProperty("data").GetProperty("subjectExport").ValueKind);
    }

    [Fact]
    public async Task An_erasure_over_graphql_is_refused_without_privacy_erase_and_once_made_leaves_nothing_readable_while_every_proof_verifies()
    {
        var (id, token) = await UserAsync();
        var (officerId, officer) = await ServiceAccounts.CreateAsync(S.Client, "privacy-officer");
        var (_, auditor) = await ServiceAccounts.CreateAsync(S.Client, "auditor");
        Assert.NotEmpty(await IssuerTokensAsync(id));

        // Refusals change nothing: without the permission, on oneself, on an identity that does not exist.
        Assert.Equal("FORBIDDEN", GraphAnswers.Code(await GraphAsync(auditor, EraseMutation, new { id })));
        Assert.Equal("FORBIDDEN", GraphAnswers.Code(await GraphAsync(token, EraseMutation, new { id })));
        var self = GraphAnswers.Error(await GraphAsync(officer, EraseMutation, new { id = officerId }));
        Assert.Equal("CONFLICT", self.GetProperty("extensions").GetProperty("code").GetString());
        Assert.True(self.GetProperty("extensions").GetProperty("data").GetProperty("fields").TryGetProperty("id", out _), self.ToString());
        var missing = GraphAnswers.Error(await GraphAsync(officer, EraseMutation, new { id = "usr-0000000000000000" }));
        Assert.Equal("NOT_FOUND", missing.GetProperty("extensions").GetProperty("code").GetString());
        Assert.True(missing.GetProperty("extensions").GetProperty("data").GetProperty("fields").TryGetProperty("id", out _), missing.ToString());
        Assert.False((await RestExportAsync(id, officer)).GetProperty("erased").GetBoolean());

        var erased = GraphAnswers.Data(await GraphAsync(officer, EraseMutation, new { id }), "eraseSubject");
        Assert.Equal((id, false), (erased.GetProperty("subjectId").GetString(), erased.GetProperty("alreadyErased").GetBoolean()));
        var again = GraphAnswers.Data(await GraphAsync(officer, EraseMutation, new { id }), "eraseSubject");
        Assert.True(again.GetProperty("alreadyErased").GetBoolean());
        Assert.Equal(erased.GetProperty("erasedAt").GetDateTimeOffset(), again.GetProperty("erasedAt").GetDateTimeOffset());

        // Both APIs now show the subject erased and nothing of it; the issuer holds no grant of it to renew.
        var graph = GraphAnswers.Data(await GraphAsync(officer, ExportQuery, new { id }), "subjectExport");
        var rest = await RestExportAsync(id, officer);
        AssertSameExport(rest, graph);
        Assert.True(graph.GetProperty("erased").GetBoolean());
        Assert.Empty(graph.GetProperty("personal").EnumerateArray());
        Assert.All(graph.GetProperty("auditEntries").EnumerateArray(), e => Assert.Empty(e.GetProperty("disclosed").EnumerateArray()));
        Assert.Equal(("~erased:" + id, "revoked"), (graph.GetProperty("identity").GetProperty("name").GetString(), graph.GetProperty("identity").GetProperty("status").GetString()));
        Assert.False(IsPersonal(graph.ToString()) || IsPersonal(rest.ToString()), "an export after erasure still shows personal data");
        Assert.Empty(await IssuerTokensAsync(id));
        await using (var scope = S.Services.CreateAsyncScope())
        {
            Assert.Empty(await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().FindBySubjectAsync(id).ToListAsync());
        }

        // Behind the API: the key is gone, the salt too, and no row of the store holds the name, address or display name.
        Assert.Equal([""], await S.StoreColumnAsync("SELECT coalesce(hex(wrapped_key), '') FROM personal_data_keys WHERE subject_id = $id", id));
        Assert.Equal([""], await S.StoreColumnAsync("SELECT coalesce(hex(subject_salt), '') FROM accounts WHERE id = $id", id));
        // Nor its blind index: no one finds the account by its name any more.
        Assert.Equal([""], await S.StoreColumnAsync("SELECT coalesce(hex(name_index), '') FROM accounts WHERE id = $id", id));
        foreach (var query in new[] { "SELECT coalesce(name, '') || coalesce(sealed_name, '') FROM accounts", "SELECT coalesce(payload, '') FROM audit_entries", "SELECT sealed_value FROM personal_data_fields" })
        {
            Assert.DoesNotContain(await S.StoreColumnAsync(query, id), IsPersonal);
        }

        // Audited as REST audits it, under GraphQL's actor and without personal data.
        var entries = graph.GetProperty("auditEntries").EnumerateArray().ToList();
        var erasure = Assert.Single(entries, e => e.GetProperty("action").GetString() == SubjectAccessService.ErasedAction);
        Assert.Equal(("graphql:" + officerId, "identity:" + id), (erasure.GetProperty("actor").GetString(), erasure.GetProperty("subject").GetString()));
        Assert.Equal("""{"keyDestroyed":true,"fields":["displayName","email"],"name":"replaced","subjectSalt":"deleted","secretHash":"deleted"}""",
            erasure.GetProperty("payload").GetString());
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "identity.account.revoked" && e.GetProperty("actor").GetString() == "graphql:" + officerId);

        // The name is free again: a new account takes it, with nothing linking the two.
        using (var reused = await S.Client.PostAsJsonAsync("api/v1/identities/users", new { userName, roles = new[] { "viewer@acme" } }))
        {
            var body = await reused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(reused.IsSuccessStatusCode, body.ToString());
            Assert.NotEqual(id, body.GetProperty("identity").GetProperty("id").GetString());
        }

        // Every entry, the subject's included, verifies against the roots read from the chain.
        var chain = await ChainAudit.WaitAllAnchoredAsync(S.Client, [.. entries.Select(e => e.GetProperty("id").GetInt64())], TimeSpan.FromSeconds(60));
        Assert.Empty(await ChainAudit.VerifyAsync(S.Client, chain));
    }

    /// <summary>A user with personal data, active on chain and signed in (so the issuer holds grants of it), and its access token.</summary>
    private async Task<(string Id, string Token)> UserAsync()
    {
        using var created = await S.Client.PostAsJsonAsync("api/v1/identities/users",
            new { userName, password = Password, roles = new[] { "auditor" }, email = Email, displayName = DisplayName });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.IsSuccessStatusCode, body.ToString());
        var id = body.GetProperty("identity").GetProperty("id").GetString()!;
        await S.WaitActiveOnChainAsync(id);
        var token = (await new OidcFlows(S.Address).AuthorizationCodeAsync(userName, Password)).GetProperty("access_token").GetString()!;
        return (id, token);
    }

    /// <summary>The issuer's stored tokens of the subject, read in a scope of their own (a manager caches what it found).</summary>
    private async Task<List<object>> IssuerTokensAsync(string id)
    {
        await using var scope = S.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().FindBySubjectAsync(id).ToListAsync();
    }

    /// <summary>REST's export and GraphQL's carry the same facts; GraphQL lists what REST keys by name, and a payload as its text.</summary>
    private static void AssertSameExport(JsonElement rest, JsonElement graph)
    {
        foreach (var field in new[] { "subjectId", "erased", "auditEntriesTruncated" })
        {
            Assert.Equal(rest.GetProperty(field).GetRawText(), graph.GetProperty(field).GetRawText());
        }

        Assert.Equal(Time(rest.GetProperty("erasedAt")), Time(graph.GetProperty("erasedAt")));
        Assert.Equal(rest.GetProperty("personal").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!), Personal(graph));

        var (restIdentity, graphIdentity) = (rest.GetProperty("identity"), graph.GetProperty("identity"));
        foreach (var field in new[] { "id", "kind", "name", "status", "roles", "mustChangePassword", "controller", "did" })
        {
            Assert.Equal(restIdentity.GetProperty(field).GetRawText(), graphIdentity.GetProperty(field).GetRawText());
        }

        Assert.Equal((Time(restIdentity.GetProperty("createdAt")), Time(restIdentity.GetProperty("updatedAt"))),
            (Time(graphIdentity.GetProperty("createdAt")), Time(graphIdentity.GetProperty("updatedAt"))));
        var (restChain, graphChain) = (restIdentity.GetProperty("chain"), graphIdentity.GetProperty("chain"));
        foreach (var field in new[] { "recorded", "lastBlock", "pending", "failed", "steps" })
        {
            Assert.True(JsonElement.DeepEquals(restChain.GetProperty(field), graphChain.GetProperty(field)), $"{field}: {restChain} vs {graphChain}");
        }

        var (restEntries, graphEntries) = (rest.GetProperty("auditEntries").EnumerateArray().ToList(), graph.GetProperty("auditEntries").EnumerateArray().ToList());
        Assert.Equal(restEntries.Select(e => e.GetProperty("id").GetInt64()), graphEntries.Select(e => e.GetProperty("id").GetInt64()));
        foreach (var (r, g) in restEntries.Zip(graphEntries))
        {
            Assert.Equal((r.GetProperty("actor").GetString(), r.GetProperty("action").GetString(), r.GetProperty("subject").GetString(), Time(r.GetProperty("time"))),
                (g.GetProperty("actor").GetString(), g.GetProperty("action").GetString(), g.GetProperty("subject").GetString(), Time(g.GetProperty("time"))));
            var payload = g.GetProperty("payload");
            Assert.True(r.GetProperty("payload").ValueKind == JsonValueKind.Null
                ? payload.ValueKind == JsonValueKind.Null
                : JsonElement.DeepEquals(r.GetProperty("payload"), JsonDocument.Parse(payload.GetString()!).RootElement), $"entry {r.GetProperty("id")}: {r} vs {g}");
            Assert.Equal(r.GetProperty("disclosed").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()),
                g.GetProperty("disclosed").EnumerateArray().ToDictionary(d => d.GetProperty("path").GetString()!, d => d.GetProperty("value").GetString()));
        }
    }

    private static Dictionary<string, string> Personal(JsonElement graphExport) =>
        graphExport.GetProperty("personal").EnumerateArray().ToDictionary(p => p.GetProperty("field").GetString()!, p => p.GetProperty("value").GetString()!);

    private static DateTimeOffset? Time(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetDateTimeOffset();

    private bool IsPersonal(string text) =>
        text.Contains(userName, StringComparison.Ordinal) || text.Contains(Email, StringComparison.Ordinal) || text.Contains(DisplayName, StringComparison.Ordinal);

    private async Task<JsonElement> RestExportAsync(string id, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/compliance/subjects/{id}/export");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await S.Anonymous.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    private async Task<JsonElement> GraphAsync(string token, string query, object variables)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "graphql") { Content = JsonContent.Create(new { query, variables }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await S.Anonymous.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}
