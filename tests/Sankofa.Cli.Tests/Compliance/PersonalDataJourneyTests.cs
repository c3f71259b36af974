using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Cli.Audit;
using Sankofa.Cli.Compliance;
using Sankofa.Core.Audit;
using Sankofa.Core.PersonalData;
using Sankofa.Server.Tests.Identity.Oidc;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Cli.Tests.Compliance;

/// <summary>
/// A person's data from creation to erasure against a real server, chain and SQLite store: a user with an e-mail address
/// and a display name signs in and acts, exports its own data, an administrator exports it with <c>sankofa compliance
/// export</c> and erases it with <c>sankofa compliance erase</c>; afterwards nothing personal reads through the API or
/// from the store's rows, and <c>sankofa audit verify --all</c> still verifies every entry against the chain.
/// </summary>
public sealed class PersonalDataJourneyTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private const string Email = "ama.mensah@example.org";
    private const string DisplayName = "Ama Mensah";

    private readonly string userName = "ama" + Guid.NewGuid().ToString("N")[..8];
    private readonly string exportFile = Path.Combine(Directory.CreateTempSubdirectory("sankofa-export-").FullName, "export.json");
    private TestServer server = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["Oidc:PortalRedirectUris:0"] = OidcFlows.RedirectUri, ["Audit:BatchSize"] = "8" });
        await CliConfig.SignInAsAdministratorAsync(server.Address);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(exportFile)!, recursive: true);
    }

    [Fact]
    public async Task An_erased_users_personal_data_reads_nowhere_and_every_audit_proof_still_verifies_from_the_chain()
    {
        // Created with personal data; the password is the user's own, so it signs in and acts without a forced change.
        using var created = await server.Client.PostAsJsonAsync("api/v1/identities/users",
            new { userName, password = Password, roles = new[] { "auditor" }, email = Email, displayName = DisplayName });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.IsSuccessStatusCode, body.ToString());
        var id = body.GetProperty("identity").GetProperty("id").GetString()!;
        await server.WaitActiveOnChainAsync(id);
        var shown = (await server.Client.GetFromJsonAsync<JsonElement>($"api/v1/identities/{id}")).GetProperty("personal");
        Assert.Equal((Email, DisplayName), (shown.GetProperty("email").GetString(), shown.GetProperty("displayName").GetString()));

        // The user acts: signs in, reads its own export, changes its password (an audited action of its own).
        var token = (await new OidcFlows(server.Address).AuthorizationCodeAsync(userName, Password)).GetProperty("access_token").GetString()!;
        var own = await ExportAsync(id, token);
        Assert.Equal(Email, own.GetProperty("personal").GetProperty("email").GetString());
        using (var changed = await server.Anonymous.PostAsJsonAsync("api/v1/identities/password", new { userName, currentPassword = Password, newPassword = Password + " two" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        }

        // The administrator's export through the CLI: everything present, the name sealed in the hashed payload opened beside it.
        var (exit, output, error) = await RunAsync("compliance", "export", id, "--file", exportFile);
        Assert.True(exit == PersonalDataCommands.Ok, error);
        Assert.Contains(exportFile, output, StringComparison.Ordinal);
        var export = JsonDocument.Parse(await File.ReadAllTextAsync(exportFile)).RootElement;
        Assert.False(export.GetProperty("erased").GetBoolean());
        var personal = export.GetProperty("personal");
        Assert.Equal((userName, Email, DisplayName),
            (personal.GetProperty("userName").GetString(), personal.GetProperty("email").GetString(), personal.GetProperty("displayName").GetString()));
        var entries = export.GetProperty("auditEntries").EnumerateArray().ToList();
        var creation = entries.Single(e => e.GetProperty("action").GetString() == "identity.account.created");
        Assert.StartsWith(PersonalDataCipher.Prefix, creation.GetProperty("payload").GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Equal(userName, creation.GetProperty("disclosed").GetProperty("$.name").GetString());
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "identity.password.changed" && e.GetProperty("actor").GetString() == id);
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "identity.chain.recorded");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(exportFile));
        }

        // Nothing personal in clear in the store's personal data or in the audit log, even before the erasure.
        Assert.All(await server.StoreColumnAsync("SELECT sealed_value FROM personal_data_fields WHERE subject_id = $id", id),
            v => Assert.StartsWith(PersonalDataCipher.Prefix, v, StringComparison.Ordinal));
        Assert.DoesNotContain(await server.StoreColumnAsync("SELECT coalesce(payload, '') FROM audit_entries", id), p => Personal(p));
        // Nor on the account row: the user name is only sealed there, found by sign-in through its blind index.
        Assert.DoesNotContain(await server.StoreColumnAsync("SELECT coalesce(name, '') || coalesce(sealed_name, '') FROM accounts", id), v => Personal(v));

        // An entry as versions before sealed names wrote it: the user name in clear in a hashed payload.
        var legacy = Assert.Single(await server.Services.GetRequiredService<IAuditStore>().AppendAsync(
            [Legacy(DateTimeOffset.UtcNow, id, $$"""{"kind":"user","name":"{{userName}}","roles":["auditor"]}""")], CancellationToken.None));

        (exit, _, error) = await RunAsync("compliance", "erase", id);
        Assert.Equal(PersonalDataCommands.Error, exit);
        Assert.Contains("--yes", error, StringComparison.Ordinal);
        (exit, output, error) = await RunAsync("compliance", "erase", id, "--yes");
        Assert.True(exit == PersonalDataCommands.Ok, error);
        Assert.Contains($"{id}: erased at", output, StringComparison.Ordinal);
        (exit, output, _) = await RunAsync("compliance", "erase", id, "--yes");
        Assert.Equal((PersonalDataCommands.Ok, true), (exit, output.Contains("already erased", StringComparison.Ordinal)));

        // Through the API: a privacy officer's export shows the subject erased and nothing of it, the identity revoked and renamed.
        var (_, officerToken) = await ServiceAccounts.CreateAsync(server.Client, "privacy-officer");
        var after = await ExportAsync(id, officerToken);
        Assert.True(after.GetProperty("erased").GetBoolean());
        Assert.Empty(after.GetProperty("personal").EnumerateObject());
        Assert.All(after.GetProperty("auditEntries").EnumerateArray(), e => Assert.Empty(e.GetProperty("disclosed").EnumerateObject()));
        Assert.False(Personal(after.ToString()), "the export after erasure still shows personal data");
        var identity = await server.Client.GetFromJsonAsync<JsonElement>($"api/v1/identities/{id}");
        Assert.Equal(("~erased:" + id, "revoked"), (identity.GetProperty("name").GetString(), identity.GetProperty("status").GetString()));
        Assert.Empty(identity.GetProperty("personal").EnumerateObject());
        Assert.False(Personal(identity.ToString()));
        using (var signIn = await server.Anonymous.PostAsJsonAsync("api/v1/identities/password", new { userName, currentPassword = Password + " two", newPassword = Password + " three" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        }

        // In the store: the key is gone, the ciphertexts stay unreadable, no row holds the name, address or display name.
        Assert.Equal([""], await server.StoreColumnAsync("SELECT coalesce(hex(wrapped_key), '') FROM personal_data_keys WHERE subject_id = $id", id));
        Assert.Equal(2, (await server.StoreColumnAsync("SELECT sealed_value FROM personal_data_fields WHERE subject_id = $id", id)).Count);
        Assert.Equal([""], await server.StoreColumnAsync("SELECT coalesce(hex(subject_salt), '') FROM accounts WHERE id = $id", id));
        foreach (var query in new[] { "SELECT coalesce(name, '') || coalesce(sealed_name, '') FROM accounts", "SELECT coalesce(payload, '') FROM audit_entries", "SELECT sealed_value FROM personal_data_fields" })
        {
            Assert.DoesNotContain(await server.StoreColumnAsync(query, id), v => Personal(v));
        }

        // The erasure is itself audited, naming no personal data; once it is anchored, the whole log verifies against the chain.
        var erasure = Assert.Single(after.GetProperty("auditEntries").EnumerateArray(), e => e.GetProperty("action").GetString() == SubjectAccessService.ErasedAction);
        await server.WaitAnchoredAsync(erasure.GetProperty("id").GetInt64());
        (exit, output, error) = await RunAsync("audit", "verify", "--all");
        Assert.True(exit == AuditCommand.Verified, output + error);
        (exit, output, error) = await RunAsync("audit", "verify", creation.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exit == AuditCommand.Verified, output + error);

        // The legacy entry lost its payload (the name) and kept its hash: it still verifies against the chain.
        Assert.Null((await server.Services.GetRequiredService<IAuditStore>().GetEntryAsync(legacy.Id, CancellationToken.None))!.Payload);
        (exit, output, error) = await RunAsync("audit", "verify", legacy.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exit == AuditCommand.Verified, output + error);
    }

    private static NewAuditEntry Legacy(DateTimeOffset at, string id, string payload) =>
        new(at, "api:usr-admin", "identity.account.created", "identity:" + id, payload, AuditHashing.PayloadHash(payload));

    private bool Personal(string text) =>
        text.Contains(userName, StringComparison.Ordinal) || text.Contains(Email, StringComparison.Ordinal) || text.Contains(DisplayName, StringComparison.Ordinal);

    private async Task<JsonElement> ExportAsync(string id, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/compliance/subjects/{id}/export");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await server.Anonymous.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await SankofaCommand.Create().Parse([.. args, "--server", server.Address.ToString()])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
