using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sankofa.Core.PersonalData;
using Sankofa.Server.Tests.Identity.Oidc;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.PersonalData;

/// <summary>
/// The user name at rest on a real server and SQLite store, read with plain SQL behind the API: the account row holds it
/// only sealed beside its blind index, while sign-in (whatever the case typed), the identity API, the token's name claim
/// and the export show it; a row an older version left in clear is moved to that form at the next start.
/// </summary>
public sealed class AccountNameTests : IDisposable
{
    private const string Password = "correct horse battery staple";

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-account-name-");
    private readonly string userName = "abena." + Guid.NewGuid().ToString("N")[..8];
    private readonly Dictionary<string, string?> settings = new() { ["Oidc:PortalRedirectUris:0"] = OidcFlows.RedirectUri };

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task The_row_holds_no_user_name_in_clear_after_creation_nor_after_the_backfill_of_an_old_row_and_sign_in_finds_it_either_way()
    {
        string id;
        await using (var server = await TestServer.StartAsync(directory.FullName, settings))
        {
            using var created = await server.Client.PostAsJsonAsync("api/v1/identities/users", new { userName, password = Password, roles = new[] { "auditor" } });
            var body = await created.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(created.IsSuccessStatusCode, body.ToString());
            id = body.GetProperty("identity").GetProperty("id").GetString()!;
            await server.WaitActiveOnChainAsync(id);

            await AssertProtectedAsync(server, id);
            await AssertSignsInAndShowsTheNameAsync(server, id);
        }

        // As an older version stored it: the name in clear, neither index nor sealed name.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory.FullName, "sankofa.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE accounts SET name = $name, name_index = NULL, sealed_name = NULL WHERE id = $id";
            command.Parameters.AddWithValue("$name", userName);
            command.Parameters.AddWithValue("$id", id);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        await using (var server = await TestServer.StartAsync(directory.FullName, settings))
        {
            await AssertProtectedAsync(server, id);
            await AssertSignsInAndShowsTheNameAsync(server, id);
        }
    }

    /// <summary>Behind the API: no column of the account row holds the name; it is sealed, and found through its index.</summary>
    private async Task AssertProtectedAsync(TestServer server, string id)
    {
        Assert.Equal([""], await server.StoreColumnAsync("SELECT coalesce(name, '') FROM accounts WHERE id = $id", id));
        Assert.Equal([64], (await server.StoreColumnAsync("SELECT coalesce(hex(name_index), '') FROM accounts WHERE id = $id", id)).Select(h => h.Length));
        Assert.StartsWith(PersonalDataCipher.Prefix, Assert.Single(await server.StoreColumnAsync("SELECT sealed_name FROM accounts WHERE id = $id", id)), StringComparison.Ordinal);
        var row = await server.StoreColumnAsync("SELECT id || kind || secret_hash || status || controller || coalesce(name, '') || coalesce(sealed_name, '') FROM accounts", id);
        Assert.DoesNotContain(row, r => r.Contains(userName, StringComparison.Ordinal));
    }

    /// <summary>Sign-in takes the name as typed (case and surrounding spaces as ever); the API, the token and the export show it opened.</summary>
    private async Task AssertSignsInAndShowsTheNameAsync(TestServer server, string id)
    {
        var token = (await new OidcFlows(server.Address).AuthorizationCodeAsync("  " + userName.ToUpperInvariant() + " ", Password)).GetProperty("access_token").GetString()!;
        Assert.Equal((id, userName), (OidcFlows.Claims(token).GetProperty("sub").GetString(), OidcFlows.Claims(token).GetProperty("name").GetString()));
        Assert.Equal(userName, (await server.Client.GetFromJsonAsync<JsonElement>($"api/v1/identities/{id}")).GetProperty("name").GetString());

        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/compliance/subjects/{id}/export");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await server.Anonymous.SendAsync(request);
        var export = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, export.ToString());
        Assert.Equal(userName, export.GetProperty("personal").GetProperty("userName").GetString());
    }
}
