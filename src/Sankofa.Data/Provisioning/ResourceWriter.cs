using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Core.Provisioning;

namespace Sankofa.Data.Provisioning;

/// <summary>
/// Writes resource creations and transitions by <see cref="GroupCommit{TWrite}"/>, with plain prepared SQL on the
/// context's connection. Provisioning writes several times per VM and thousands of VMs move at once; per write, EF's
/// change tracking and a transaction of its own cost more than the rows. A write that fails (a lost race, a taken key,
/// quota gone) is taken out and the rest of the group is written again without it, so every caller sees exactly its
/// own outcome, and a write commits together with its event and audit entry or not at all.
/// </summary>
internal sealed class ResourceWriter
{
    // Most writes one transaction takes.
    private const int GroupLimit = 1000;

    private readonly IStoreContextFactory contexts;
    private readonly TimeProvider time;
    private readonly Action committed;
    private readonly GroupCommit<PendingWrite> groups;

    public ResourceWriter(IStoreContextFactory contexts, TimeProvider time, Action committed)
    {
        (this.contexts, this.time, this.committed) = (contexts, time, committed);
        groups = new GroupCommit<PendingWrite>(contexts, GroupLimit, CommitAsync);
    }

    /// <summary>Queues a write and returns once it is committed (or has failed on its own account).</summary>
    public Task WriteAsync(PendingWrite write, CancellationToken cancellationToken) => groups.SubmitAsync(write, cancellationToken);

    private async Task CommitAsync(IReadOnlyList<PendingWrite> writes, CancellationToken cancellationToken)
    {
        var group = writes.ToList();
        while (group.Count > 0)
        {
            await using var db = contexts.Create();
            await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var sql = new Statements(db.Database.GetDbConnection(), tx.GetDbTransaction(), time.GetUtcNow().ToUnixTimeMilliseconds());
            PendingWrite? failed = null;
            Exception? error = null;
            foreach (var write in group)
            {
                try
                {
                    await write.ExecuteAsync(sql, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is StoreConflictException or InvalidOperationException or DbException)
                {
                    (failed, error) = (write, ex);
                    break;
                }
            }

            if (failed is not null)
            {
                // PostgreSQL aborts the whole transaction on a failed statement, so start again without the culprit
                // rather than rely on savepoints; failures are rare (lost races), so the common case pays nothing.
                await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
                failed.Fail(Map(error!, failed.What));
                group.Remove(failed);
                continue;
            }

            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            committed();
            foreach (var write in group)
            {
                write.Complete();
            }

            return;
        }
    }

    private static Exception Map(Exception error, string what) =>
        ProvisioningStore.IsUniqueViolation(error) ? new StoreConflictException($"{what} exists already.", error) : error;

    /// <summary>One queued write: runs its statements inside the group's transaction, then learns whether they committed.</summary>
    internal abstract class PendingWrite(string what) : GroupCommit<PendingWrite>.IWrite
    {
        private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Names the row for error messages, e.g. "resource vm-…".</summary>
        public string What { get; } = what;

        /// <inheritdoc/>
        public int Weight => 1;

        /// <summary>Completes when the write committed, or fails with its own error or the group's.</summary>
        public Task Done => done.Task;

        /// <summary>Runs the write's statements; throws <see cref="StoreConflictException"/> when it cannot apply.</summary>
        public abstract Task ExecuteAsync(Statements sql, CancellationToken cancellationToken);

        public void Complete() => done.TrySetResult();

        public void Fail(Exception error) => done.TrySetException(error);
    }

    /// <summary>
    /// The statements of one transaction, each prepared on first use and then executed with new values: SQLite runs
    /// them in-process, so a row costs microseconds. The same SQL serves SQLite and PostgreSQL.
    /// </summary>
    internal sealed class Statements(DbConnection connection, DbTransaction transaction, long nowMs) : IAsyncDisposable
    {
        private readonly Dictionary<string, DbCommand> commands = new(StringComparer.Ordinal);

        /// <summary>The group's clock reading, for event and audit times.</summary>
        public long NowMs { get; } = nowMs;

        /// <summary>Runs a statement with these values and returns the rows it touched.</summary>
        public async Task<int> ExecuteAsync(string text, CancellationToken cancellationToken, params Arg[] values)
        {
            var command = await PrepareAsync(text, values, cancellationToken).ConfigureAwait(false);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Runs a statement with these values and returns the first column of its first row (null when no row).</summary>
        public async Task<object?> ScalarAsync(string text, CancellationToken cancellationToken, params Arg[] values)
        {
            var command = await PrepareAsync(text, values, cancellationToken).ConfigureAwait(false);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Appends an audit entry; the sealer chains and anchors it like any other.</summary>
        public Task AuditAsync(NewAuditEntry entry, CancellationToken cancellationToken) => ExecuteAsync(
            "INSERT INTO audit_entries (time_ms, actor, action, subject, payload, payload_hash) VALUES (@time, @actor, @action, @subject, @payload, @payload_hash)",
            cancellationToken,
            Arg.Of("time", entry.Time.ToUnixTimeMilliseconds()), Arg.Of("actor", entry.Actor), Arg.Of("action", entry.Action),
            Arg.Of("subject", entry.Subject), Arg.Of("payload", entry.Payload), Arg.Of("payload_hash", entry.PayloadHash));

        private async Task<DbCommand> PrepareAsync(string text, Arg[] values, CancellationToken cancellationToken)
        {
            if (!commands.TryGetValue(text, out var command))
            {
                command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = text;
                foreach (var value in values)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = "@" + value.Name;
                    parameter.DbType = value.Type;
                    command.Parameters.Add(parameter);
                }

                commands[text] = command;
                Bind(command, values);
                await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
                return command;
            }

            Bind(command, values);
            return command;
        }

        private static void Bind(DbCommand command, Arg[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i].Value ?? DBNull.Value;
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in commands.Values)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A named statement parameter with its declared type, so a prepared statement keeps the same parameter types when
    /// a value is null this time (PostgreSQL would refuse a text parameter for an integer column).
    /// </summary>
    internal readonly record struct Arg(string Name, object? Value, DbType Type)
    {
        public static Arg Of(string name, int? value) => new(name, value, DbType.Int32);

        public static Arg Of(string name, long? value) => new(name, value, DbType.Int64);

        public static Arg Real(string name, double value) => new(name, value, DbType.Double);

        public static Arg Of(string name, bool value) => new(name, value, DbType.Boolean);

        public static Arg Of(string name, string? value) => new(name, value, DbType.String);

        public static Arg Of(string name, byte[] value) => new(name, value, DbType.Binary);
    }
}
