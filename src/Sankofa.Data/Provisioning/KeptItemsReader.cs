using System.Buffers;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Sankofa.Data.Provisioning;

/// <summary>
/// Reads a page of kept list items (<see cref="ResourceOrder.ListJsonRow"/>'s columns: seq, the order's key when it has
/// one, version, list_json, list_json_version) from the command EF wrote for it, copying each item straight into one
/// buffer rented for the page. On SQLite the statement is stepped through SQLitePCL and each item copied from the
/// column's own memory: Microsoft.Data.Sqlite's <c>GetBytes</c> first copies a blob into a new array of its own, which
/// is what EF's materializer paid too (a ~2 KB array per item, ~200 KB a page, zeroed and then collected). PostgreSQL's
/// reader copies a <c>bytea</c> from its row buffer, so there the ordinary <see cref="DbDataReader"/> is read.
/// </summary>
internal sealed class KeptItemsReader : IDisposable
{
    private readonly (int Start, int Length)[] spans;
    private byte[]? buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
    private int used;

    private KeptItemsReader(int limit) => spans = new (int, int)[limit];

    /// <summary>Rows read into the page (at most the limit).</summary>
    public int Count { get; private set; }

    /// <summary>Whether a row past the limit exists (there is a next page).</summary>
    public bool More { get; private set; }

    /// <summary>The sequence and key of the page's last row (for the next page's cursor).</summary>
    public (long Seq, string? Key) Last { get; private set; }

    /// <summary>Rows whose kept item is missing or written for another version: their index in the page and sequence.</summary>
    public List<(int Index, long Seq)>? Stale { get; private set; }

    /// <summary>Runs <paramref name="command"/> (its connection open) and reads at most <paramref name="limit"/> rows and whether one more exists.</summary>
    public static async Task<KeptItemsReader> ReadAsync(DbCommand command, bool hasKey, int limit, CancellationToken cancellationToken)
    {
        var page = new KeptItemsReader(limit);
        try
        {
            if (command.Connection is SqliteConnection sqlite)
            {
                page.ReadSqlite(sqlite, command, hasKey);
            }
            else
            {
                await page.ReadAsync(command, hasKey, cancellationToken).ConfigureAwait(false);
            }

            return page;
        }
        catch
        {
            page.Dispose();
            throw;
        }
    }

    /// <summary>The items read, as slices of the page's buffer (default for a stale row), and the buffer, which the caller now owns.</summary>
    public (ReadOnlyMemory<byte>[] Items, byte[] Buffer) Take()
    {
        var taken = buffer ?? throw new ObjectDisposedException(nameof(KeptItemsReader));
        buffer = null;
        var items = new ReadOnlyMemory<byte>[Count];
        for (var i = 0; i < Count; i++)
        {
            items[i] = spans[i].Length == 0 ? default : new ReadOnlyMemory<byte>(taken, spans[i].Start, spans[i].Length);
        }

        return (items, taken);
    }

    public void Dispose()
    {
        if (buffer is { } rented)
        {
            buffer = null;
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>False when the page is full: the row is only the sign of a next page.</summary>
    private bool Row(long seq, string? key)
    {
        if (Count == spans.Length)
        {
            More = true;
            return false;
        }

        Last = (seq, key);
        return true;
    }

    private void MarkStale(long seq) => (Stale ??= []).Add((Count++, seq));

    private Span<byte> Reserve(int length)
    {
        var current = buffer!;
        if (current.Length - used < length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(current.Length * 2, used + length));
            current.AsSpan(0, used).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(current);
            buffer = current = larger;
        }

        spans[Count++] = (used, length);
        used += length;
        return current.AsSpan(used - length, length);
    }

    private async Task ReadAsync(DbCommand command, bool hasKey, CancellationToken cancellationToken)
    {
        var at = hasKey ? 2 : 1;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!Row(reader.GetInt64(0), hasKey && !reader.IsDBNull(1) ? reader.GetString(1) : null))
            {
                return;
            }

            if (reader.IsDBNull(at + 1) || reader.IsDBNull(at + 2) || reader.GetInt32(at + 2) != reader.GetInt32(at))
            {
                MarkStale(reader.GetInt64(0));
                continue;
            }

            var length = checked((int)reader.GetBytes(at + 1, 0, null, 0, 0));
            var start = used;
            Reserve(length);
            for (var read = 0; read < length;)
            {
                var got = (int)reader.GetBytes(at + 1, read, buffer, start + read, length - read);
                read += got > 0 ? got : throw new InvalidOperationException("The kept list item ended before its length.");
            }
        }
    }

    private void ReadSqlite(SqliteConnection connection, DbCommand command, bool hasKey)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(db, command.CommandText, out var statement), db);
        using (statement)
        {
            foreach (DbParameter parameter in command.Parameters)
            {
                Bind(statement, db, parameter);
            }

            var at = hasKey ? 2 : 1;
            while (true)
            {
                var code = raw.sqlite3_step(statement);
                if (code == raw.SQLITE_DONE)
                {
                    return;
                }

                if (code != raw.SQLITE_ROW)
                {
                    SqliteException.ThrowExceptionForRC(code, db);
                }

                var seq = raw.sqlite3_column_int64(statement, 0);
                if (!Row(seq, hasKey && raw.sqlite3_column_type(statement, 1) != raw.SQLITE_NULL ? raw.sqlite3_column_text(statement, 1).utf8_to_string() : null))
                {
                    return;
                }

                if (raw.sqlite3_column_type(statement, at + 1) == raw.SQLITE_NULL || raw.sqlite3_column_type(statement, at + 2) == raw.SQLITE_NULL
                    || raw.sqlite3_column_int64(statement, at + 2) != raw.sqlite3_column_int64(statement, at))
                {
                    MarkStale(seq);
                    continue;
                }

                var item = raw.sqlite3_column_blob(statement, at + 1);
                item.CopyTo(Reserve(item.Length));
            }
        }
    }

    private static readonly string[] ParameterPrefixes = ["@", ":", "$"];

    /// <summary>Binds one of EF's parameters by its name (as Microsoft.Data.Sqlite does, with or without its prefix).</summary>
    private static void Bind(sqlite3_stmt statement, sqlite3 db, DbParameter parameter)
    {
        var index = raw.sqlite3_bind_parameter_index(statement, parameter.ParameterName);
        for (var p = 0; index == 0 && p < ParameterPrefixes.Length; p++)
        {
            index = raw.sqlite3_bind_parameter_index(statement, ParameterPrefixes[p] + parameter.ParameterName);
        }

        if (index == 0)
        {
            return; // EF sends no parameter the text does not use; Microsoft.Data.Sqlite ignores such too
        }

        var code = parameter.Value switch
        {
            null or DBNull => raw.sqlite3_bind_null(statement, index),
            long l => raw.sqlite3_bind_int64(statement, index, l),
            int i => raw.sqlite3_bind_int64(statement, index, i),
            short s => raw.sqlite3_bind_int64(statement, index, s),
            bool b => raw.sqlite3_bind_int64(statement, index, b ? 1 : 0),
            string text => raw.sqlite3_bind_text(statement, index, text),
            byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes),
            double d => raw.sqlite3_bind_double(statement, index, d),
            var other => throw new NotSupportedException($"A list query parameter of type {other.GetType()} is not bound here."),
        };
        SqliteException.ThrowExceptionForRC(code, db);
    }
}
