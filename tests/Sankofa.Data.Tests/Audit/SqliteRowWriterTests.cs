using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Sankofa.Data.Audit;

namespace Sankofa.Data.Tests.Audit;

public class SqliteRowWriterTests
{
    [Fact]
    public async Task Rows_go_in_inside_EF_s_transaction_and_SQLite_s_errors_surface_as_SqliteException()
    {
        await using var store = await TestStore.CreateAsync("sqlite");
        await using var db = store.CreateContext();
        await db.Database.ExecuteSqlRawAsync("CREATE TABLE writer_rows (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, data BLOB)");
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            using var writer = new SqliteRowWriter((SqliteConnection)db.Database.GetDbConnection(), "INSERT INTO writer_rows (name, data) VALUES (?, ?)");
            writer.Bind(1, "first");
            writer.Bind(2, [1, 2, 3]);
            writer.Step();
            Assert.Equal(1, writer.LastInsertRowId);

            writer.Bind(1, "first");
            writer.Bind(2, []);
            var duplicate = Assert.Throws<SqliteException>(writer.Step);
            Assert.Equal(19, duplicate.SqliteErrorCode); // SQLITE_CONSTRAINT, with SQLite's own message
            Assert.Contains("UNIQUE", duplicate.Message, StringComparison.Ordinal);

            writer.Bind(1, (string?)null);
            Assert.Equal(19, Assert.Throws<SqliteException>(writer.Step).SqliteErrorCode); // NOT NULL

            // The statement was reset after each failure and takes the next row.
            writer.Bind(1, "second");
            writer.Bind(2, []);
            writer.Step();
            Assert.Equal(2, writer.LastInsertRowId);
            await tx.CommitAsync();
        }

        var rows = await db.Database.SqlQueryRaw<string>("SELECT name || ':' || typeof(data) || ':' || hex(data) AS Value FROM writer_rows ORDER BY id").ToListAsync();
        // An empty blob stays a blob, not NULL: a batch's only entry has an empty proof.
        Assert.Equal(["first:blob:010203", "second:blob:"], rows);
    }

    [Fact]
    public async Task Rows_written_in_a_transaction_rolled_back_are_gone()
    {
        await using var store = await TestStore.CreateAsync("sqlite");
        await using var db = store.CreateContext();
        await db.Database.ExecuteSqlRawAsync("CREATE TABLE writer_rows (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)");
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            using var writer = new SqliteRowWriter((SqliteConnection)db.Database.GetDbConnection(), "INSERT INTO writer_rows (value) VALUES (?)");
            writer.Bind(1, 42L);
            writer.Step();
            await tx.RollbackAsync();
        }

        Assert.Equal(0, await db.Database.SqlQueryRaw<int>("SELECT count(*) AS Value FROM writer_rows").SingleAsync());
    }
}
