using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Sankofa.Data.Tests;

/// <summary>
/// The store's SQLite pragmas are set once per native connection, not on every open: a connection handed back by the
/// pool still has them, and a new native connection gets them.
/// </summary>
public sealed class SqlitePragmasTests
{
    [Fact]
    public async Task Every_open_connection_has_the_pragmas_whether_new_or_from_the_pool()
    {
        await using var test = await TestStore.CreateAsync("sqlite");
        var seen = new List<(string Handle, string Pragmas)>();
        for (var i = 0; i < 6; i++)
        {
            if (i == 5)
            {
                SqliteConnection.ClearAllPools(); // the last open is on a new native connection
            }

            await using var db = test.CreateContext();
            await db.Database.OpenConnectionAsync();
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            seen.Add((connection.Handle!.DangerousGetHandle().ToString(), await PragmasAsync(connection)));
        }

        // busy_timeout, synchronous (1 = NORMAL), foreign_keys, cache_size, journal_mode on each open.
        Assert.All(seen, s => Assert.Equal("30000 1 1 -65536 wal", s.Pragmas));
        Assert.True(seen.Take(5).DistinctBy(s => s.Handle).Count() < 5, "no open reused a pooled native connection"); // what is being tested happened
    }

    private static async Task<string> PragmasAsync(DbConnection connection)
    {
        var values = new List<string>();
        foreach (var pragma in new[] { "busy_timeout", "synchronous", "foreign_keys", "cache_size", "journal_mode" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA {pragma}";
            values.Add(Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return string.Join(' ', values);
    }
}
