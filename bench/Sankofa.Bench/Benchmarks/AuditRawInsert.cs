using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Sankofa.Core.Audit;
using Sankofa.Data.Audit;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// Issue 19's baseline for the SQLite audit figure: what SQLite alone does with the same rows. The audit_entries table and
/// its indexes are copied from the store the benchmark's server made (its schema as migrated, triggers left out: they are
/// the application's), into a fresh file with the pragmas the store sets; the rows go in through one prepared INSERT in one
/// transaction per round, nothing else. Also the per-entry cost of each step of the pipeline, timed alone on the same
/// rows, so the report can say where an entry's time goes.
/// </summary>
internal sealed class AuditRawInsert : IDisposable
{
    // The pragmas Sankofa.Data's SqlitePragmas sets on every store connection, so the two files behave alike.
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON; "
                                   + "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=8000; PRAGMA mmap_size=268435456;";

    private readonly SqliteConnection connection;

    private AuditRawInsert(SqliteConnection connection) => this.connection = connection;

    /// <summary>A fresh file beside <paramref name="storeFile"/> with audit_entries and audit_seals as the store has them.</summary>
    public static AuditRawInsert Create(string storeFile, string file)
    {
        var ddl = new List<string>();
        using (var store = new SqliteConnection($"Data Source={storeFile};Mode=ReadOnly;Pooling=False"))
        {
            store.Open();
            using var read = store.CreateCommand();
            read.CommandText = "SELECT sql FROM sqlite_master WHERE tbl_name IN ('audit_entries', 'audit_seals') AND type IN ('table', 'index') "
                               + "AND sql IS NOT NULL ORDER BY type DESC, name";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                ddl.Add(reader.GetString(0));
            }
        }

        var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas + string.Join(";\n", ddl) + ";";
        command.ExecuteNonQuery();
        return new AuditRawInsert(connection);
    }

    /// <summary>Inserts <paramref name="rows"/> as audit_entries rows in one transaction; returns the time it took.</summary>
    public TimeSpan InsertEntries(IReadOnlyList<NewAuditEntry> rows)
    {
        var clock = Stopwatch.StartNew();
        using var tx = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "INSERT INTO audit_entries (time_ms, actor, action, subject, payload, payload_hash) "
                              + "VALUES ($time, $actor, $action, $subject, $payload, $payload_hash)";
        var time = command.Parameters.Add("$time", SqliteType.Integer);
        var actor = command.Parameters.Add("$actor", SqliteType.Text);
        var action = command.Parameters.Add("$action", SqliteType.Text);
        var subject = command.Parameters.Add("$subject", SqliteType.Text);
        var payload = command.Parameters.Add("$payload", SqliteType.Text);
        var payloadHash = command.Parameters.Add("$payload_hash", SqliteType.Blob);
        command.Prepare();
        foreach (var row in rows)
        {
            time.Value = row.Time.ToUnixTimeMilliseconds();
            actor.Value = row.Actor;
            action.Value = row.Action;
            subject.Value = row.Subject;
            payload.Value = row.Payload;
            payloadHash.Value = row.PayloadHash;
            command.ExecuteNonQuery();
        }

        tx.Commit();
        return clock.Elapsed;
    }

    /// <summary>
    /// The same as <see cref="InsertEntries"/> below ADO.NET: SQLite's own C API (prepare once, bind by position, step,
    /// reset) through the store's own <see cref="SqliteRowWriter"/>, which is as fast as SQLite takes rows from any caller.
    /// </summary>
    public TimeSpan InsertEntriesNative(IReadOnlyList<NewAuditEntry> rows)
    {
        var clock = Stopwatch.StartNew();
        using var tx = connection.BeginTransaction();
        using (var insert = new SqliteRowWriter(connection, "INSERT INTO audit_entries (time_ms, actor, action, subject, payload, payload_hash) VALUES (?, ?, ?, ?, ?, ?)"))
        {
            foreach (var row in rows)
            {
                insert.Bind(1, row.Time.ToUnixTimeMilliseconds());
                insert.Bind(2, row.Actor);
                insert.Bind(3, row.Action);
                insert.Bind(4, row.Subject);
                insert.Bind(5, row.Payload);
                insert.Bind(6, row.PayloadHash);
                insert.Step();
            }
        }

        tx.Commit();
        return clock.Elapsed;
    }

    /// <summary>Inserts the seals of <paramref name="sealedEntries"/> as audit_seals rows in one transaction; returns the time it took.</summary>
    public TimeSpan InsertSeals(IReadOnlyList<AuditEntry> sealedEntries)
    {
        var clock = Stopwatch.StartNew();
        using var tx = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "INSERT INTO audit_seals (entry_id, sequence, previous_hash, hash, batch_id, leaf_index, proof) "
                              + "VALUES ($id, $sequence, $previous, $hash, $batch, $leaf, $proof)";
        var id = command.Parameters.Add("$id", SqliteType.Integer);
        var sequence = command.Parameters.Add("$sequence", SqliteType.Integer);
        var previous = command.Parameters.Add("$previous", SqliteType.Blob);
        var hash = command.Parameters.Add("$hash", SqliteType.Blob);
        var batch = command.Parameters.Add("$batch", SqliteType.Integer);
        var leaf = command.Parameters.Add("$leaf", SqliteType.Integer);
        var proof = command.Parameters.Add("$proof", SqliteType.Blob);
        command.Prepare();
        foreach (var entry in sealedEntries)
        {
            var seal = entry.Seal!;
            id.Value = entry.Id;
            sequence.Value = seal.Sequence;
            previous.Value = seal.PreviousHash;
            hash.Value = seal.Hash;
            batch.Value = seal.BatchId;
            leaf.Value = seal.LeafIndex;
            proof.Value = seal.Proof;
            command.ExecuteNonQuery();
        }

        tx.Commit();
        return clock.Elapsed;
    }

    public void Dispose() => connection.Dispose();

    /// <summary>
    /// Per-entry cost of each step, timed alone on one thread over <paramref name="events"/>, in microseconds of that
    /// thread's CPU time (on a shared machine wall time mostly measures the other processes).
    /// </summary>
    public static IReadOnlyList<(string Step, double Micros)> Breakdown(AuditRawInsert raw, IReadOnlyList<AuditEvent> events, long firstId, int batchSize)
    {
        var steps = new List<(string, double)>();
        var count = events.Count;
        var cpu = ThreadCpu.Now();
        void Step(string name)
        {
            var now = ThreadCpu.Now();
            steps.Add((name, (now - cpu).TotalMicroseconds / count));
            cpu = now;
        }

        foreach (var e in events)
        {
            if (AuditEventRules.Validate(e).Count > 0)
            {
                throw new InvalidOperationException("The benchmark's events must be valid.");
            }
        }

        Step("validation (AuditEventRules.Validate)");
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var rows = events.Select(e => new NewAuditEntry(now, e.Actor, e.Action, e.Subject, e.Payload, AuditHashing.PayloadHash(e.Payload))).ToList();
        Step("payload hash");
        raw.InsertEntries(rows);
        Step("entry row insert (ADO.NET prepared, one transaction)");
        raw.InsertEntriesNative(rows);
        Step("entry row insert (SQLite C API, one transaction)");

        var entries = rows.Select((r, i) => new AuditEntry(firstId + count + i, r.Time, r.Actor, r.Action, r.Subject, r.PayloadHash, null, null)).ToList();
        cpu = ThreadCpu.Now();
        var head = new AuditChainHead(firstId - 1, AuditHashing.Genesis.ToArray(), 1_000_000);
        var sealedEntries = new List<AuditEntry>(entries.Count);
        for (var offset = 0; offset < entries.Count; offset += batchSize)
        {
            var (batch, sealedBatch) = AuditSealer.Seal(head, entries.GetRange(offset, Math.Min(batchSize, entries.Count - offset)), now);
            sealedEntries.AddRange(sealedBatch);
            head = new AuditChainHead(batch.FirstSequence + batch.Count - 1, sealedBatch[^1].Seal!.Hash, batch.Id);
        }

        Step($"entry hashes and Merkle proofs (AuditSealer.Seal, {batchSize} a batch)");
        raw.InsertSeals(sealedEntries);
        Step("seal row insert (ADO.NET prepared, one transaction)");
        return steps;
    }

    /// <summary>CPU time of the calling thread (Linux: clock_gettime(CLOCK_THREAD_CPUTIME_ID)).</summary>
    private static class ThreadCpu
    {
        private const int ClockThreadCpuTime = 3;

        public static TimeSpan Now() =>
            ClockGetTime(ClockThreadCpuTime, out var t) == 0 ? TimeSpan.FromTicks((t.Seconds * TimeSpan.TicksPerSecond) + (t.Nanoseconds / 100)) : TimeSpan.Zero;

        [StructLayout(LayoutKind.Sequential)]
        private struct Timespec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out Timespec time);
    }
}
