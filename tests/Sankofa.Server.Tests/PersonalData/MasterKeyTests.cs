using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.PersonalData;

/// <summary>
/// The master key of personal data on a real server: kept in the data directory's key file (0600), not in the database,
/// so personal fields read again after a restart; a server given another master key stops at start naming the setting.
/// </summary>
public sealed class MasterKeyTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-master-key-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task Personal_data_reads_again_after_a_restart_and_another_master_key_stops_start_up_naming_the_setting()
    {
        string id;
        await using (var server = await TestServer.StartAsync(directory.FullName))
        {
            using var created = await server.Client.PostAsJsonAsync("api/v1/identities/users",
                new { userName = "kwame" + Guid.NewGuid().ToString("N")[..6], roles = new[] { "viewer@acme" }, email = "kwame@example.org" });
            var body = await created.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(created.IsSuccessStatusCode, body.ToString());
            id = body.GetProperty("identity").GetProperty("id").GetString()!;
        }

        var keyFile = Path.Combine(directory.FullName, "personal-data.key");
        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        await using (var server = await TestServer.StartAsync(directory.FullName))
        {
            var identity = await server.Client.GetFromJsonAsync<JsonElement>($"api/v1/identities/{id}");
            Assert.Equal("kwame@example.org", identity.GetProperty("personal").GetProperty("email").GetString());
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(directory.FullName,
            new Dictionary<string, string?> { ["PersonalData:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }));

        Assert.Contains("PersonalData:MasterKey", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("does not open", error.ToString(), StringComparison.Ordinal);
    }
}
