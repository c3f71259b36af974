using System.Formats.Tar;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Cli.Backup;

/// <summary>
/// Takes a backup of an embedded data directory, usable while <c>sankofa up</c> runs, in this order: the database
/// (SQLite's online backup: one consistent point in time), then the chain state (a fresh dump from the running anvil,
/// or its latest periodic dump), then every other file (keys, deployment record, emulated sites, agents). Whatever
/// records what happened outside the database is thus at least as new as the database: after a restore the control
/// plane only ever finds things beyond its store (which it reconciles), never records the world lacks.
/// </summary>
internal static class DataDirectoryBackup
{
    /// <summary>The embedded store's file (Store:ConnectionString empty).</summary>
    public const string DatabaseFile = "sankofa.db";

    /// <summary>The embedded chain's state file, as <c>EmbeddedChain</c> names it.</summary>
    public const string ChainStateFile = "ledger/anvil-state.json";

    private const string ChainSocket = "ledger/anvil.ipc";

    // Runtime files: recreated at start, meaningless in another process (pids, sockets) or replaced by the copies above.
    private static readonly HashSet<string> Skipped =
        [DatabaseFile, DatabaseFile + "-wal", DatabaseFile + "-shm", DatabaseFile + "-journal", ChainStateFile, ChainSocket, "ledger/anvil.pid"];

    public static async Task<BackupManifest> CreateAsync(string dataDirectory, string output, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(dataDirectory))
        {
            throw new BackupException($"--data-dir {dataDirectory} does not exist.");
        }

        var database = Path.Combine(dataDirectory, DatabaseFile);
        if (!File.Exists(database))
        {
            throw new BackupException(
                $"--data-dir {dataDirectory} holds no {DatabaseFile}: not an embedded data directory. A PostgreSQL store is backed up by continuous archiving (pgBackRest, docs/operations.md).");
        }

        if (File.Exists(output) || Directory.Exists(output))
        {
            throw new BackupException($"--out {output} exists; give a new file name (a backup never overwrites one).");
        }

        var staging = Directory.CreateTempSubdirectory("sankofa-backup-").FullName; // 0700: it holds the keys
        try
        {
            var modes = new Dictionary<string, UnixFileMode>(StringComparer.Ordinal);
            CopyDatabase(database, Path.Combine(staging, DatabaseFile));
            modes[DatabaseFile] = ModeOf(database);
            var chainState = await CopyChainStateAsync(dataDirectory, staging, cancellationToken);
            modes[ChainStateFile] = Private;
            foreach (var file in Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories))
            {
                var relative = Relative(dataDirectory, file);
                if (Skipped.Contains(relative) || relative.EndsWith(".log", StringComparison.Ordinal) || !IsRegularFile(file))
                {
                    continue;
                }

                var target = Path.Combine(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
                modes[relative] = ModeOf(file);
            }

            var files = new List<BackupFile>();
            foreach (var file in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = Relative(staging, file);
                await using var stream = File.OpenRead(file);
                var hash = await SHA256.HashDataAsync(stream, cancellationToken);
                files.Add(new BackupFile(relative, stream.Length, Convert.ToHexStringLower(hash), ToOctal(modes.GetValueOrDefault(relative, Private))));
            }

            var manifest = new BackupManifest(
                BackupManifest.CurrentFormat, time.GetUtcNow(), Version, dataDirectory,
                ["database (SQLite online backup)", "chain state", "keys, deployment record, emulated sites, agents and the rest"],
                chainState, files);
            await WriteArchiveAsync(staging, manifest, output, cancellationToken);
            return manifest;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>The CLI's version, as the manifest records it.</summary>
    public static string Version =>
        typeof(DataDirectoryBackup).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Owner read and write only, the data directory's rule for files.</summary>
    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static void CopyDatabase(string database, string target)
    {
        // Online backup: pages copied under a read transaction, so a running server (WAL mode) keeps writing meanwhile.
        using var source = new SqliteConnection($"Data Source={database};Pooling=False;Default Timeout=60");
        using var copy = new SqliteConnection($"Data Source={target};Pooling=False");
        source.Open();
        copy.Open();
        source.BackupDatabase(copy);
    }

    private static async Task<string> CopyChainStateAsync(string dataDirectory, string staging, CancellationToken cancellationToken)
    {
        var target = Path.Combine(staging, ChainStateFile);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var socket = Path.Combine(dataDirectory, ChainSocket);
        if (File.Exists(socket))
        {
            try
            {
                // A running embedded chain dumps its state now, after the database copy: never behind the store.
                using var rpc = new JsonRpcClient(new Uri(socket), TimeSpan.FromMinutes(2));
                var dump = Convert.FromHexString((await rpc.CallAsync("anvil_dumpState", cancellationToken)).GetString()!.AsSpan(2));
                await using var file = File.Create(target);
                if (dump is [0x1f, 0x8b, ..])
                {
                    await using var gzip = new GZipStream(new MemoryStream(dump), CompressionMode.Decompress);
                    await gzip.CopyToAsync(file, cancellationToken);
                }
                else
                {
                    await file.WriteAsync(dump, cancellationToken);
                }

                return "live dump (anvil_dumpState over ledger/anvil.ipc, after the database copy)";
            }
            catch (LedgerUnavailableException)
            {
                // A socket left by a stopped chain: its state file is complete (anvil writes it when stopping).
            }
        }

        var stateFile = Path.Combine(dataDirectory, ChainStateFile);
        if (File.Exists(stateFile))
        {
            File.Copy(stateFile, target);
            return "latest periodic dump (ledger/anvil-state.json: the chain was not running, or not reachable through ledger/anvil.ipc)";
        }

        Directory.Delete(Path.GetDirectoryName(target)!);
        return "none: the chain is external (Ledger:RpcUrl) and keeps its own state";
    }

    private static async Task WriteArchiveAsync(string staging, BackupManifest manifest, string output, CancellationToken cancellationToken)
    {
        var partial = output + ".partial";
        try
        {
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(partial, Private);
                }

                await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
                await using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: false);
                var manifestEntry = new PaxTarEntry(TarEntryType.RegularFile, BackupManifest.EntryName)
                {
                    Mode = Private,
                    DataStream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, BackupManifest.Json)),
                };
                await tar.WriteEntryAsync(manifestEntry, cancellationToken);
                foreach (var entry in manifest.Files)
                {
                    await using var data = File.OpenRead(Path.Combine(staging, entry.Path));
                    await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, entry.Path) { Mode = FromOctal(entry.Mode), DataStream = data }, cancellationToken);
                }
            }

            // Only a complete archive gets the name asked for.
            File.Move(partial, output);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    internal static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');

    internal static string ToOctal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8);

    internal static UnixFileMode FromOctal(string mode) => (UnixFileMode)Convert.ToInt32(mode, 8);

    private static UnixFileMode ModeOf(string path) => OperatingSystem.IsWindows() ? Private : File.GetUnixFileMode(path);

    private static bool IsRegularFile(string path) =>
        (File.GetAttributes(path) & (FileAttributes.Device | FileAttributes.ReparsePoint)) == 0 && new FileInfo(path).LinkTarget is null;
}
