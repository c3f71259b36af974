namespace Sankofa.Cli;

/// <summary>Private keys held by the person running the CLI: a file only its owner can read, holding 0x and 64 hex digits.</summary>
internal static class KeyFiles
{
    /// <summary>Reads the key; refuses a missing file argument (with <paramref name="missing"/>) or a file others can read.</summary>
    public static async Task<byte[]> ReadAsync(FileInfo? file, string missing)
    {
        if (file is null)
        {
            throw new ArgumentException(missing);
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file.FullName) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new ArgumentException($"Key file {file.FullName} can be read by others; chmod 600 it.");
        }

        var text = (await File.ReadAllTextAsync(file.FullName)).Trim();
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return hex.Length == 64 ? Convert.FromHexString(hex) : throw new ArgumentException($"Key file {file.FullName} does not hold 0x and 64 hex digits.");
    }
}
