using System.Runtime.InteropServices;

namespace Sankofa.Core;

/// <summary>
/// Where the control plane keeps its files (database, chain state, keys): the top-level <c>DataDirectory</c> setting,
/// or <c>~/.sankofa</c>. One rule for every component, so they never disagree about where their files are.
/// </summary>
public static partial class DataDirectory
{
    /// <summary>Configuration key.</summary>
    public const string Key = "DataDirectory";

    private const UnixFileMode GroupAndOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Turns the configured value (possibly empty or starting with <c>~</c>) into an absolute path.</summary>
    public static string Resolve(string? configured)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrWhiteSpace(configured))
        {
            return Path.Combine(home, ".sankofa");
        }

        if (configured == "~" || configured.StartsWith("~/", StringComparison.Ordinal))
        {
            configured = Path.Combine(home, configured.TrimStart('~').TrimStart('/'));
        }

        return Path.GetFullPath(configured);
    }

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
