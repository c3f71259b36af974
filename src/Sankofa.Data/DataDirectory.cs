using Microsoft.Extensions.Configuration;

namespace Sankofa.Data;

/// <summary>Where the control plane keeps its files: the top-level <c>DataDirectory</c> setting, or <c>~/.sankofa</c>.</summary>
public static class DataDirectory
{
    /// <summary>Configuration key.</summary>
    public const string Key = "DataDirectory";

    /// <summary>Resolves the directory (creating it) from configuration.</summary>
    public static string Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[Key];
        var path = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".sankofa")
            : Path.GetFullPath(configured);
        Directory.CreateDirectory(path);
        return path;
    }
}
