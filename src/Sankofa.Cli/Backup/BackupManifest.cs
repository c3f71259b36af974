using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sankofa.Cli.Backup;

/// <summary>
/// <c>manifest.json</c>, the first entry of a backup archive: what it holds, how it was taken, and each file's size,
/// SHA-256 and Unix mode, so that a restore can refuse an archive that is damaged, incomplete or carries extra files.
/// </summary>
/// <param name="Format">Archive format; a restore refuses any other.</param>
/// <param name="CreatedAt">When the backup was taken (the database copy's point in time is a moment before).</param>
/// <param name="SankofaVersion">Version of the CLI that wrote it.</param>
/// <param name="DataDirectory">Where it was taken from.</param>
/// <param name="Order">The order the parts were taken in, which decides how they relate (docs/operations.md).</param>
/// <param name="ChainState">Where the chain state came from: a live dump, the latest periodic dump, or none (external chain).</param>
/// <param name="Files">Every file, by path relative to the data directory.</param>
internal sealed record BackupManifest(
    string Format, DateTimeOffset CreatedAt, string SankofaVersion, string DataDirectory, IReadOnlyList<string> Order, string ChainState,
    IReadOnlyList<BackupFile> Files)
{
    /// <summary>The only format this version writes and reads.</summary>
    public const string CurrentFormat = "sankofa-backup/1";

    /// <summary>Name of the manifest inside the archive.</summary>
    public const string EntryName = "manifest.json";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>One file of a backup.</summary>
/// <param name="Path">Relative to the data directory, with '/' separators.</param>
/// <param name="Size">Bytes.</param>
/// <param name="Sha256">Lower-case hex.</param>
/// <param name="Mode">Unix permission bits, octal (e.g. 600).</param>
internal sealed record BackupFile(string Path, long Size, string Sha256, string Mode);
