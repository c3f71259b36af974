namespace Sankofa.Core;

/// <summary>
/// Where the control plane keeps its files (database, chain state, keys): the top-level <c>DataDirectory</c> setting,
/// or <c>~/.sankofa</c>. One rule for every component, so they never disagree about where their files are.
/// </summary>
public static class DataDirectory
{
    /// <summary>Configuration key.</summary>
    public const string Key = "DataDirectory";

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
}
