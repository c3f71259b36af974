using System.Globalization;
using System.Security.Cryptography;
using Sankofa.Core.Retention;

namespace Sankofa.Server.Retention;

/// <summary>Archive files in one directory (<c>Retention:ArchiveDirectory</c>, default <c>&lt;DataDirectory&gt;/audit-archives</c>).</summary>
/// <param name="directory">The directory; created on first write.</param>
internal sealed class AuditArchiveDirectory(string directory) : IAuditArchiveFiles
{
    public string Directory { get; } = directory;

    public async Task<(string FileName, byte[] Sha256)> WriteAsync(AuditArchive archive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        System.IO.Directory.CreateDirectory(Directory);
        var name = string.Create(CultureInfo.InvariantCulture,
            $"audit-archive-{archive.Id:D6}-seq-{archive.Entries[0].Seal!.Sequence}-{archive.Entries[^1].Seal!.Sequence}.json");
        var path = Path.Combine(Directory, name);
        var temporary = path + ".partial";
        // Written aside, flushed to disk and renamed: the entries leave the database only after this returns, so the
        // file must be whole and durable by then.
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            await AuditArchiveFormat.WriteAsync(stream, archive, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        await using var read = File.OpenRead(path);
        return (name, await SHA256.HashDataAsync(read, cancellationToken).ConfigureAwait(false));
    }

    public Stream? OpenRead(string fileName)
    {
        // Names come from the store, never from a request; still, nothing outside the directory is opened.
        var path = Path.Combine(Directory, Path.GetFileName(fileName));
        return File.Exists(path) ? File.OpenRead(path) : null;
    }
}
