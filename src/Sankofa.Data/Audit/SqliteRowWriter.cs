using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Sankofa.Data.Audit;

/// <summary>
/// One prepared statement run row after row through SQLite's C API, on a connection (and inside the transaction) that EF
/// opened. ADO.NET's <see cref="SqliteCommand"/> costs more per row than SQLite's own insert: measured on the audit rows
/// (docs/benchmarks.md, issue 19), 17.6 µs of CPU per entry row through a prepared command against 11.0 µs through
/// the C API, most of it in the parameters looked up by name and the reader made for every execution.
/// </summary>
internal sealed class SqliteRowWriter : IDisposable
{
    private readonly sqlite3 db;
    private readonly sqlite3_stmt statement;

    /// <summary>Prepares <paramref name="sql"/>, whose parameters are positional (<c>?</c>), on <paramref name="connection"/>.</summary>
    public SqliteRowWriter(SqliteConnection connection, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(db, sql, out statement), db);
    }

    public void Bind(int index, long value) => raw.sqlite3_bind_int64(statement, index, value);

    public void Bind(int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(statement, index);
        }
        else
        {
            raw.sqlite3_bind_text(statement, index, value);
        }
    }

    public void Bind(int index, ReadOnlySpan<byte> value)
    {
        // An empty span has no address, and SQLite binds a blob at a null address as NULL: a zero-length blob is what is
        // meant (the proof of a batch's only entry is empty), as SqliteCommand binds it.
        if (value.IsEmpty)
        {
            raw.sqlite3_bind_zeroblob(statement, index, 0);
        }
        else
        {
            raw.sqlite3_bind_blob(statement, index, value);
        }
    }

    /// <summary>Runs the statement with the values bound, then readies it for the next row.</summary>
    public void Step()
    {
        var code = raw.sqlite3_step(statement);
        try
        {
            if (code != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(code, db); // reads the message before the reset below clears it
            }
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>The rowid of the last row inserted on this connection.</summary>
    public long LastInsertRowId => raw.sqlite3_last_insert_rowid(db);

    public void Dispose() => statement.Dispose();
}
