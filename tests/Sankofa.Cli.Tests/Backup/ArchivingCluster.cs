using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Sankofa.Cli.Tests.Backup;

/// <summary>
/// A PostgreSQL cluster of the test's own (initdb in its directory, its own port; the shared test cluster is never
/// touched) with continuous archiving as deploy/postgres/postgresql.archiving.conf sets it, archiving by copy into a
/// directory beside it: a base backup (pg_basebackup), the cluster destroyed, and a restore to the latest archived WAL.
/// </summary>
internal sealed class ArchivingCluster : IAsyncDisposable
{
    private readonly string bin;
    private readonly string pgData;
    private readonly string walArchive;
    private readonly string baseBackup;
    private readonly int port;

    private ArchivingCluster(string bin, string root, int port)
    {
        this.bin = bin;
        this.port = port;
        pgData = Path.Combine(root, "pgdata");
        walArchive = Path.Combine(root, "wal-archive");
        baseBackup = Path.Combine(root, "base-backup");
    }

    public string ConnectionString => $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=sankofa;Pooling=false";

    public static async Task<ArchivingCluster> StartAsync(string directory)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
            .OrderBy(b => int.Parse(Path.GetFileName(Path.GetDirectoryName(b))!, CultureInfo.InvariantCulture)).LastOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL is not installed (scripts/postgres.sh installs it).");
        if (!OperatingSystem.IsWindows())
        {
            // The postgres user must reach its directory inside the test's private one.
            File.SetUnixFileMode(directory, File.GetUnixFileMode(directory) | UnixFileMode.OtherExecute);
        }

        var root = Path.Combine(directory, "postgres");
        Directory.CreateDirectory(Path.Combine(root, "wal-archive"));
        await RunAsync("chown", "-R", "postgres:postgres", root); // PostgreSQL runs as postgres, never as root
        var cluster = new ArchivingCluster(bin, root, FreePort.Next());
        await cluster.AsPostgresAsync("initdb", "-D", cluster.pgData, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale");
        var settings = Path.Combine(cluster.pgData, "postgresql.archiving.conf");
        File.Copy(Path.Combine(Repository.Root, "deploy", "postgres", "postgresql.archiving.conf"), settings);
        await File.AppendAllTextAsync(Path.Combine(cluster.pgData, "postgresql.conf"), "\ninclude 'postgresql.archiving.conf'\n");
        await RunAsync("chown", "postgres:postgres", settings);
        await cluster.StartServerAsync();
        await using var connection = new NpgsqlConnection(cluster.ConnectionString.Replace("Database=sankofa", "Database=postgres", StringComparison.Ordinal));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand("CREATE DATABASE sankofa", connection);
        await create.ExecuteNonQueryAsync();
        return cluster;
    }

    /// <summary>A base backup while the server runs (WAL it needs streamed in), as pgBackRest's <c>backup</c> would take.</summary>
    public Task BaseBackupAsync() =>
        AsPostgresAsync("pg_basebackup", "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-D", baseBackup, "-X", "stream", "-c", "fast");

    /// <summary>The database lost: stopped without a checkpoint, as in a crash, and its directory deleted.</summary>
    public async Task DestroyAsync()
    {
        await AsPostgresAsync("pg_ctl", "-D", pgData, "-m", "immediate", "stop");
        Directory.Delete(pgData, recursive: true);
    }

    /// <summary>The base backup put back and the archived WAL replayed to its end (recovery_target_timeline latest).</summary>
    public async Task RestoreToLatestAsync()
    {
        await AsPostgresAsync("cp", "-a", baseBackup, pgData);
        await File.WriteAllTextAsync(Path.Combine(pgData, "recovery.signal"), string.Empty);
        await File.AppendAllTextAsync(Path.Combine(pgData, "postgresql.auto.conf"), $"\nrestore_command = 'cp {walArchive}/%f %p'\n");
        await RunAsync("chown", "-R", "postgres:postgres", pgData);
        await StartServerAsync();
        // Recovery replays the archive, then promotes; until then the database takes no writes. A connection per poll:
        // the server may end sessions while it replays and promotes, and a lost poll is retried, not the drill's failure.
        Exception? last = null;
        for (var deadline = DateTime.UtcNow.AddMinutes(2); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync();
                await using var inRecovery = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
                if (!(bool)(await inRecovery.ExecuteScalarAsync())!)
                {
                    return;
                }
            }
            catch (NpgsqlException e)
            {
                last = e;
            }
        }

        var log = Path.Combine(pgData, "server.log");
        throw new TimeoutException(
            $"PostgreSQL did not finish archive recovery; its log:\n{(File.Exists(log) ? await File.ReadAllTextAsync(log) : "(none)")}", last);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(pgData, "postmaster.pid")))
        {
            await AsPostgresAsync("pg_ctl", "-D", pgData, "-m", "immediate", "stop");
        }
    }

    // Archiving copies each finished segment (the file's pgBackRest command is for production); every 5 s, so the drill
    // loses at most seconds of archived WAL (the file's 60 s bounds production's RPO). Copied under a temporary name and
    // renamed: a copy cut short by the crash must not be a segment recovery would replay.
    private Task StartServerAsync() => AsPostgresAsync("pg_ctl", "-D", pgData, "-l", Path.Combine(pgData, "server.log"), "-w", "-t", "60", "-o",
        $"-p {port.ToString(CultureInfo.InvariantCulture)} -h 127.0.0.1 -k /tmp -c fsync=off -c archive_timeout=5 "
        + $"-c \"archive_command=test ! -f {walArchive}/%f && cp %p {walArchive}/%f.part && mv {walArchive}/%f.part {walArchive}/%f\"", "start");

    private Task AsPostgresAsync(string program, params string[] args)
    {
        var path = program == "cp" ? "cp" : Path.Combine(bin, program);
        return Environment.UserName == "root" ? RunAsync("runuser", ["-u", "postgres", "--", path, .. args]) : RunAsync(path, args);
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/tmp" };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
