using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sankofa.Core;

namespace Sankofa.Cli.Backup;

/// <summary>
/// <c>sankofa backup create|restore</c>: a consistent backup of an embedded data directory (database, chain state, keys,
/// emulated sites, agents) in one archive, and its verified restore (docs/operations.md, "Backup and restore").
/// </summary>
internal static class BackupCommand
{
    /// <summary>Exit code: done.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: refused or failed; the message says why.</summary>
    public const int Error = 2;

    public static Command Create()
    {
        var backup = new Command("backup", "Back up an embedded data directory (usable while sankofa up runs) and restore it.");
        backup.Subcommands.Add(CreateCommand());
        backup.Subcommands.Add(RestoreCommand());
        return backup;
    }

    private static Option<DirectoryInfo?> DataDirOption(string description) => new("--data-dir") { Description = description };

    private static Command CreateCommand()
    {
        var dataDir = DataDirOption("The data directory to back up (default: $SANKOFA_DATA_DIR or ~/.sankofa).");
        var output = new Option<FileInfo?>("--out")
        {
            Description = "The archive to write, a gzip-compressed tar (default: sankofa-backup-<UTC time>.tar.gz here); never overwritten.",
        };
        var command = new Command("create", "Write a backup: the database (SQLite online backup), then the chain state, then keys, deployment record, emulated sites and agents.")
        {
            dataDir, output,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, async () =>
        {
            var time = TimeProvider.System;
            var file = parse.GetValue(output)?.FullName
                ?? Path.GetFullPath($"sankofa-backup-{time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.tar.gz");
            var manifest = await DataDirectoryBackup.CreateAsync(DataDir(parse, dataDir), file, time, cancellationToken);
            return (manifest, $"Backed up {manifest.DataDirectory} to {file}: {manifest.Files.Count} files, {manifest.Files.Sum(f => f.Size):N0} bytes; chain state: {manifest.ChainState}.");
        }));
        return command;
    }

    private static Command RestoreCommand()
    {
        var dataDir = DataDirOption("The data directory to restore into (default: $SANKOFA_DATA_DIR or ~/.sankofa); must be empty unless --force.");
        var from = new Option<FileInfo>("--from") { Description = "The archive sankofa backup create wrote.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace what a non-empty data directory holds (stop its server first)." };
        var command = new Command("restore", "Restore a backup after checking every file against its manifest; then start the server, which reconciles with the chain.")
        {
            dataDir, from, force,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, async () =>
        {
            var target = DataDir(parse, dataDir);
            var manifest = await DataDirectoryRestore.RestoreAsync(parse.GetValue(from)!.FullName, target, parse.GetValue(force), cancellationToken);
            return (manifest, $"Restored {target} from the backup of {manifest.CreatedAt:u} ({manifest.Files.Count} files verified; chain state: {manifest.ChainState}). "
                              + "Start the server on it: it reports what the chain recorded after the backup (GET /api/v1/audit/chain-gaps, /readyz).");
        }));
        return command;
    }

    private static string DataDir(ParseResult parse, Option<DirectoryInfo?> option) =>
        DataDirectory.Resolve(parse.GetValue(option)?.FullName ?? Environment.GetEnvironmentVariable("SANKOFA_DATA_DIR"));

    private static async Task<int> RunAsync(ParseResult parse, Func<Task<(BackupManifest Manifest, string Text)>> action)
    {
        try
        {
            var (manifest, text) = await action();
            Console.WriteLine(parse.GetValue(SankofaCommand.Output) == OutputFormat.Json ? JsonSerializer.Serialize(manifest, BackupManifest.Json) : text);
            return Ok;
        }
        catch (BackupException ex)
        {
            await Console.Error.WriteLineAsync($"sankofa backup: {ex.Message}");
            return Error;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            await Console.Error.WriteLineAsync($"sankofa backup: {ex.Message}");
            return Error;
        }
    }
}
