using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>Checks of an identity behind a test server's API: its state on chain, and its rows in the server's SQLite store.</summary>
public static class SubjectChecks
{
    /// <summary>Polls (as the administrator) until the chain lists the identity as active, so it can act and be erased.</summary>
    public static async Task WaitActiveOnChainAsync(this TestServer server, string id)
    {
        var identity = await Eventually.UntilAsync(
            () => server.Client.GetFromJsonAsync<JsonElement>($"api/v1/identities/{id}"),
            i => i.TryGetProperty("onChain", out var chain) && chain.ValueKind == JsonValueKind.Object && chain.GetProperty("status").GetString() == "active");
        Assert.True(identity.TryGetProperty("onChain", out var onChain) && onChain.ValueKind == JsonValueKind.Object, $"identity {id} not registered on chain in time: {identity}");
    }

    /// <summary>The first column of <paramref name="sql"/> (<c>$id</c> bound to <paramref name="id"/>) read straight from the store's file, behind the API.</summary>
    public static async Task<List<string>> StoreColumnAsync(this TestServer server, string sql, string id)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "sankofa.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
