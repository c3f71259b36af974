using System.Diagnostics;
using Npgsql;

namespace Sankofa.TestSupport;

/// <summary>
/// The real PostgreSQL server the store and server tests use: <c>SANKOFA_TEST_POSTGRES</c> when set (the test command sets it),
/// otherwise the repository's <c>scripts/postgres.sh</c> starts a local cluster. Each test gets a database of its own.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<string> Server = new(Locate);

    public static async Task<string> CreateDatabaseAsync()
    {
        var name = "sankofa_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(Server.Value))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(Server.Value) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>: each is a few MB, and runs add up to gigabytes.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Server.Value);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("SANKOFA_TEST_POSTGRES") is { Length: > 0 } configured)
        {
            return configured;
        }

        var script = Path.Combine(Repository.Root, "scripts", "postgres.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", script) { RedirectStandardOutput = true })
                            ?? throw new InvalidOperationException("Could not run " + script);
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode != 0 || output.Length == 0)
        {
            throw new InvalidOperationException($"{script} failed (exit {process.ExitCode}); set SANKOFA_TEST_POSTGRES to a server's connection string.");
        }

        return output.Split('\n')[^1];
    }
}
