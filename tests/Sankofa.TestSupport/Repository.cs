namespace Sankofa.TestSupport;

/// <summary>Paths in the source checkout the tests run from, and in the shared folder beside it (CI lays out main/ and shared/ side by side).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The pinned anvil binary that <c>npm ci</c> installs.</summary>
    public static string Anvil => Path.Combine(Root, "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");

    /// <summary>The official Proxmox VE API schema, never copied into the repository.</summary>
    public static string OfficialSchema => SharedReference("proxmox-ve-api-schema.json");

    /// <summary>
    /// A file of the shared reference data (never copied into the repository): <c>../shared/reference/</c> beside the
    /// checkout, or beside a folder above it (a worktree under <c>wt/</c> of the checkout's parent).
    /// </summary>
    public static string SharedReference(string relativePath)
    {
        var expected = Path.GetFullPath(Path.Combine(Root, "..", "shared", "reference", relativePath));
        for (var dir = new DirectoryInfo(Root).Parent; dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "shared", "reference", relativePath);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"The reference file is expected at {expected} (the shared folder beside the checkout).", expected);
    }

    /// <summary>The subset of the Proxmox VE API schema the emulator serves.</summary>
    public static string EmbeddedSubset => Path.Combine(Root, "src", "Sankofa.Proxmox.Emulator", "Schema", "proxmox-api-subset.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sankofa.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Sankofa.slnx) above " + AppContext.BaseDirectory);
    }
}
