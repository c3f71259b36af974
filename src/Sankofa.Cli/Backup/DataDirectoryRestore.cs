using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace Sankofa.Cli.Backup;

/// <summary>
/// Restores a backup written by <see cref="DataDirectoryBackup"/>: unpacks it beside the data directory, checks every
/// file against the manifest (size and SHA-256, nothing missing, nothing extra, no path leaving the directory), and only
/// then puts it in place, with the data directory's permissions (0700 directories, the files' recorded modes).
/// </summary>
internal static class DataDirectoryRestore
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static async Task<BackupManifest> RestoreAsync(string archive, string dataDirectory, bool force, CancellationToken cancellationToken)
    {
        if (!File.Exists(archive))
        {
            throw new BackupException($"--from {archive} does not exist.");
        }

        var existing = Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any();
        if (existing && !force)
        {
            throw new BackupException($"--data-dir {dataDirectory} is not empty; restore into an empty or new directory, or add --force to replace what it holds.");
        }

        if (existing && RunningChain(dataDirectory) is { } pid)
        {
            throw new BackupException($"--data-dir {dataDirectory} is in use (its embedded chain runs as process {pid}); stop the server (sankofa up) first.");
        }

        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(dataDirectory))!;
        Directory.CreateDirectory(parent);
        // Beside the data directory: the same file system, so putting it in place is a rename.
        var staging = Path.Combine(parent, $".{Path.GetFileName(Path.TrimEndingDirectorySeparator(dataDirectory))}.restoring-{Guid.NewGuid():N}");
        CreatePrivateDirectory(staging);
        try
        {
            var manifest = await UnpackAsync(archive, staging, cancellationToken);
            if (existing)
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            else if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory);
            }

            Directory.Move(staging, dataDirectory);
            return manifest;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static async Task<BackupManifest> UnpackAsync(string archive, string staging, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(archive);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        BackupManifest manifest;
        Dictionary<string, BackupFile> expected;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var first = await tar.GetNextEntryAsync(copyData: false, cancellationToken);
            if (first is not { Name: BackupManifest.EntryName, DataStream: { } manifestData })
            {
                throw new BackupException($"--from {archive}: not a Sankofa backup (it does not start with {BackupManifest.EntryName}).");
            }

            manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(manifestData, BackupManifest.Json, cancellationToken)
                ?? throw new BackupException($"--from {archive}: its {BackupManifest.EntryName} is empty.");
            if (manifest.Format != BackupManifest.CurrentFormat)
            {
                throw new BackupException($"--from {archive}: format '{manifest.Format}' is not {BackupManifest.CurrentFormat}, the one this version restores.");
            }

            expected = manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !expected.TryGetValue(entry.Name, out var listed) || !seen.Add(entry.Name))
                {
                    throw new BackupException($"--from {archive}: entry '{entry.Name}' is not listed in the manifest (or appears twice): the archive was altered.");
                }

                var target = Path.GetFullPath(Path.Combine(staging, listed.Path));
                if (!target.StartsWith(staging + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    throw new BackupException($"--from {archive}: entry '{entry.Name}' points outside the data directory.");
                }

                CreatePrivateDirectory(Path.GetDirectoryName(target)!);
                await using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
                using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                {
                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(target, DataDirectoryBackup.FromOctal(listed.Mode));
                    }

                    var buffer = new byte[81920];
                    long size = 0;
                    int read;
                    var data = entry.DataStream ?? Stream.Null;
                    while ((read = await data.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                        size += read;
                    }

                    var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
                    if (size != listed.Size || sha != listed.Sha256)
                    {
                        throw new BackupException(
                            $"--from {archive}: {listed.Path} is {size.ToString(CultureInfo.InvariantCulture)} bytes with SHA-256 {sha}, the manifest says {listed.Size.ToString(CultureInfo.InvariantCulture)} bytes and {listed.Sha256}: the archive is damaged.");
                    }
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or FormatException or EndOfStreamException)
        {
            throw new BackupException($"--from {archive}: not a readable Sankofa backup ({ex.Message}).");
        }

        var missing = expected.Keys.Where(p => !seen.Contains(p)).ToList();
        if (missing.Count > 0)
        {
            throw new BackupException($"--from {archive}: {missing.Count} file(s) of the manifest are missing, first {missing[0]}: the archive is incomplete.");
        }

        return manifest;
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, PrivateDirectory);
        }
    }

    /// <summary>The pid of an anvil still running on this directory's chain state, if any.</summary>
    private static int? RunningChain(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "ledger", "anvil.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile), CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return commandLine.Contains(Path.Combine(dataDirectory, DataDirectoryBackup.ChainStateFile), StringComparison.Ordinal) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
