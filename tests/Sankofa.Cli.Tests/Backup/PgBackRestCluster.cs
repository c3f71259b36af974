using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace Sankofa.Cli.Tests.Backup;

/// <summary>
/// A PostgreSQL cluster of the test's own (initdb in its directory, its own port; the shared test cluster is never
/// touched) archiving with pgBackRest exactly as deploy/postgres/ sets it up: postgresql.archiving.conf included verbatim
/// (its <c>archive_command</c> is <c>pgbackrest --stanza=sankofa archive-push %p</c>), and pgbackrest.conf with only its
/// paths and port moved into the test's directory. pgBackRest finds that file, and the cipher pass in an include
/// directory beside it, through PGBACKREST_CONFIG and PGBACKREST_CONFIG_INCLUDE_PATH, which PostgreSQL's archive and
/// restore commands inherit: in production they are the defaults /etc/pgbackrest/pgbackrest.conf and /etc/pgbackrest/conf.d.
/// </summary>
internal sealed class PgBackRestCluster : IAsyncDisposable
{
    private const string CipherPass = "pgbackrest-test-cipher-pass";
    private static readonly Dictionary<string, string> NoEnvironment = [];

    private readonly string bin;
    private readonly string root;
    private readonly string pgData;
    private readonly int port;
    private bool running;

    private PgBackRestCluster(string bin, string root, int port)
    {
        this.bin = bin;
        this.root = root;
        this.port = port;
        pgData = Path.Combine(root, "pgdata");
    }

    public string ConnectionString => $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=sankofa;Pooling=false";

    private string ConfigFile => Path.Combine(root, "pgbackrest.conf");

    private string IncludePath => Path.Combine(root, "conf.d");

    /// <summary>initdb, the deploy/ files in place, PostgreSQL started, the <c>sankofa</c> database created, then the stanza created and checked.</summary>
    public static async Task<PgBackRestCluster> StartAsync(string directory)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
            .OrderBy(b => int.Parse(Path.GetFileName(Path.GetDirectoryName(b))!, CultureInfo.InvariantCulture)).LastOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL is not installed (scripts/postgres.sh installs it).");
        if (!File.Exists("/usr/bin/pgbackrest"))
        {
            throw new InvalidOperationException("pgBackRest is not installed (scripts/pgbackrest.sh installs it).");
        }

        if (!OperatingSystem.IsWindows())
        {
            // The postgres user must reach its directory inside the test's private one.
            File.SetUnixFileMode(directory, File.GetUnixFileMode(directory) | UnixFileMode.OtherExecute);
        }

        var root = Path.Combine(directory, "pgbackrest");
        var cluster = new PgBackRestCluster(bin, root, FreePort.Next());
        foreach (var sub in new[] { "repo", "spool", "log", "lock", "conf.d" })
        {
            Directory.CreateDirectory(Path.Combine(root, sub));
        }

        var deploy = Path.Combine(Repository.Root, "deploy", "postgres");
        await File.WriteAllTextAsync(cluster.ConfigFile, DeriveConfig(await File.ReadAllTextAsync(Path.Combine(deploy, "pgbackrest.conf")), root, cluster.port));
        // The cipher pass as docs/operations.md keeps it: a file of its own in the include directory, readable by postgres only.
        var cipher = Path.Combine(cluster.IncludePath, "sankofa-cipher.conf");
        await File.WriteAllTextAsync(cipher, $"[global]\nrepo1-cipher-pass={CipherPass}\n");
        await RunAsync("chown", NoEnvironment, "-R", "postgres:postgres", root); // PostgreSQL and pgBackRest run as postgres, never as root
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(cipher, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await cluster.AsPostgresAsync(Path.Combine(bin, "initdb"), "-D", cluster.pgData, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale");
        var settings = Path.Combine(cluster.pgData, "postgresql.archiving.conf");
        File.Copy(Path.Combine(deploy, "postgresql.archiving.conf"), settings);
        await File.AppendAllTextAsync(Path.Combine(cluster.pgData, "postgresql.conf"), "\ninclude 'postgresql.archiving.conf'\n");
        await RunAsync("chown", NoEnvironment, "postgres:postgres", settings);
        await cluster.StartServerAsync();
        try
        {
            await using (var connection = new NpgsqlConnection(cluster.ConnectionString.Replace("Database=sankofa", "Database=postgres", StringComparison.Ordinal)))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand("CREATE DATABASE sankofa", connection);
                await create.ExecuteNonQueryAsync();
            }

            await cluster.PgBackRestAsync("stanza-create");
            await cluster.ArchiveAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync(); // the caller never gets it: stop its PostgreSQL here
            throw;
        }
    }

    /// <summary>
    /// deploy/postgres/pgbackrest.conf with the repository, spool, data directory and port moved to the test's, and its
    /// lock and log files kept there too; every other line as written. Throws if a line it moves is missing.
    /// </summary>
    public static string DeriveConfig(string deployed, string root, int port)
    {
        var moved = new Dictionary<string, string>
        {
            ["repo1-path"] = Path.Combine(root, "repo"),
            ["spool-path"] = Path.Combine(root, "spool"),
            ["pg1-path"] = Path.Combine(root, "pgdata"),
            ["pg1-port"] = port.ToString(CultureInfo.InvariantCulture),
        };
        var seen = new HashSet<string>();
        var text = new StringBuilder();
        foreach (var line in deployed.Split('\n'))
        {
            var key = line.Split('=', 2)[0].Trim();
            if (moved.TryGetValue(key, out var value) && line.Contains('=', StringComparison.Ordinal) && !line.TrimStart().StartsWith('#'))
            {
                text.Append(key).Append('=').Append(value).Append('\n');
                seen.Add(key);
                if (key == "pg1-port")
                {
                    text.Append("pg1-socket-path=/tmp\n"); // the test's server puts its socket in /tmp, not /var/run/postgresql
                }

                continue;
            }

            text.Append(line).Append('\n');
            if (line.Trim() == "[global]")
            {
                text.Append("lock-path=").Append(Path.Combine(root, "lock")).Append('\n')
                    .Append("log-path=").Append(Path.Combine(root, "log")).Append('\n');
            }
        }

        var missing = moved.Keys.Except(seen).ToList();
        return missing.Count == 0 ? text.ToString() : throw new InvalidOperationException("deploy/postgres/pgbackrest.conf sets no " + string.Join(", ", missing));
    }

    /// <summary><c>pgbackrest --stanza=sankofa ARGS</c> as postgres with the test's configuration; returns its output.</summary>
    public Task<string> PgBackRestAsync(params string[] args) =>
        AsPostgresAsync("/usr/bin/pgbackrest", ["--stanza=sankofa", .. args]);

    /// <summary><c>check</c>: a WAL switch, returning once that segment, and so every transaction committed before it, is in the repository.</summary>
    public Task ArchiveAsync() => PgBackRestAsync("check");

    /// <summary>The database lost: stopped without a checkpoint, as in a crash, and its directory deleted.</summary>
    public async Task DestroyAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await AsPostgresAsync(Path.Combine(bin, "pg_ctl"), "-D", pgData, "-m", "immediate", "stop");
        running = false;
        Directory.Delete(pgData, recursive: true);
    }

    /// <summary>
    /// <c>pgbackrest restore</c> with <paramref name="options"/> (it makes the missing data directory again), then
    /// PostgreSQL started; returns once recovery has replayed the archive (to its end or to the target) and promoted the server.
    /// </summary>
    public async Task RestoreAsync(params string[] options)
    {
        await PgBackRestAsync(["restore", .. options]);
        await StartServerAsync();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        for (var deadline = DateTime.UtcNow.AddMinutes(2); ; await Task.Delay(100))
        {
            await using var inRecovery = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
            if (!(bool)(await inRecovery.ExecuteScalarAsync())!)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("PostgreSQL did not finish archive recovery.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (running)
        {
            await AsPostgresAsync(Path.Combine(bin, "pg_ctl"), "-D", pgData, "-m", "immediate", "stop");
        }
    }

    // archive_timeout stays the file's 60 s: the test archives on demand with `check`.
    private async Task StartServerAsync()
    {
        await AsPostgresAsync(Path.Combine(bin, "pg_ctl"), "-D", pgData, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-o",
            $"-p {port.ToString(CultureInfo.InvariantCulture)} -h 127.0.0.1 -k /tmp -c fsync=off", "start");
        running = true;
    }

    private Task<string> AsPostgresAsync(string program, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["PGBACKREST_CONFIG"] = ConfigFile, ["PGBACKREST_CONFIG_INCLUDE_PATH"] = IncludePath };
        return Environment.UserName == "root" ? RunAsync("runuser", environment, ["-u", "postgres", "--", program, .. args]) : RunAsync(program, environment, args);
    }

    private static async Task<string> RunAsync(string program, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/tmp" };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {await output}{await error}");
        }

        return await output;
    }
}
