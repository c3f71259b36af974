using Sankofa.TestSupport;

namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>One server on a PostgreSQL database of its own (dropped afterwards), shared by the tests of a class.</summary>
public sealed class PostgresServerFixture : ServerFixture
{
    private string? database;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (database is not null)
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    protected override async Task<IDictionary<string, string?>?> SettingsAsync() => new Dictionary<string, string?>
    {
        ["Store:Provider"] = "postgres",
        ["Store:ConnectionString"] = database = await TestPostgres.CreateDatabaseAsync(),
    };
}
