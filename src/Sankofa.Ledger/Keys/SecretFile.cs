namespace Sankofa.Ledger.Keys;

/// <summary>Writes files only the owner can read (0600), atomically, so a crash never leaves half a keystore.</summary>
public static class SecretFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> (created with mode 0600, replaced atomically).</summary>
    public static async Task WriteAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temp = Temporary(path, out var options);
        await using (var stream = new FileStream(temp, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(content.AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Synchronous <see cref="WriteAsync"/>, for start-up code that cannot await.</summary>
    public static void Write(string path, string content)
    {
        var temp = Temporary(path, out var options);
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// The file's content; when there is none yet, <paramref name="create"/>'s written first. The first writer wins:
    /// replicas starting at once on one data directory all end up with the same secret, never one each.
    /// </summary>
    public static string CreateOrRead(string path, Func<string> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (!File.Exists(path))
        {
            var temp = Temporary(path, out var options, unique: true);
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(create());
            }

            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp); // another process wrote it first: theirs is the secret
            }
        }

        return File.ReadAllText(path);
    }

    private static string Temporary(string path, out FileStreamOptions options, bool unique = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Set at creation so the secret is never readable by others, not even for a moment.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return unique ? $"{path}.{Guid.NewGuid():N}.tmp" : path + ".tmp";
    }
}
