namespace Sankofa.Ledger.Embedded;

/// <summary>
/// Finds the anvil binary that <c>npm ci</c> installs at the repository root
/// (<c>node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil</c>), searching upward from the application's directory and
/// the current directory so it works from bin/Debug, from tests and from a published app placed under the checkout.
/// </summary>
internal static class AnvilLocator
{
    public static readonly string RelativePath = Path.Combine("node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");

    public static string Locate(string? configuredPath)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return File.Exists(configuredPath)
                ? Path.GetFullPath(configuredPath)
                : throw new LedgerConfigurationException("Ledger:AnvilPath", $"No anvil binary at '{configuredPath}'.", null);
        }

        var searched = new List<string>();
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, RelativePath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }

                searched.Add(dir.FullName);
            }
        }

        throw new LedgerConfigurationException(
            "Ledger:AnvilPath",
            $"The embedded chain needs anvil, which was not found under {RelativePath} in {(searched.Count > 0 ? searched[0] : AppContext.BaseDirectory)} or any parent. Run 'npm ci' at the repository root, set Ledger:AnvilPath, or set Ledger:RpcUrl to use an external node.",
            null);
    }
}
