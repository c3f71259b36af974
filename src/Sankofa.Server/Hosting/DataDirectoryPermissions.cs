using System.Runtime.InteropServices;

namespace Sankofa.Server.Hosting;

/// <summary>Keeps the data directory (database, chain state, keys) its owner's alone.</summary>
public static partial class DataDirectoryPermissions
{
    private const UnixFileMode GroupAndOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Makes <paramref name="path"/> its owner's alone before anything is written there: creates it with mode 0700, takes
    /// group and other permissions off whatever it already holds, and sets the process's umask to 077 so that every file
    /// created afterwards (the database and its -wal/-shm, keys, the chain's state and socket, by this process or the
    /// anvil it starts) is 0600. Returns the paths whose permissions it tightened, for the caller to log.
    /// </summary>
    public static IReadOnlyList<string> Secure(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return [];
        }

        _ = Umask(0b000_111_111);
        var root = Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var tightened = new List<string>();
        var everything = root.EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 });
        foreach (var entry in everything.Prepend(root))
        {
            // Symbolic links have no mode of their own, and their targets are not ours to change.
            if (entry.LinkTarget is null && (entry.UnixFileMode & GroupAndOthers) != 0)
            {
                entry.UnixFileMode &= ~GroupAndOthers;
                tightened.Add(entry.FullName);
            }
        }

        return tightened;
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint Umask(uint mask);
}
