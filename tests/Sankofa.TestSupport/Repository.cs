namespace Sankofa.TestSupport;

/// <summary>Paths in the source checkout the tests run from, and in the shared folder beside it (CI lays out main/ and shared/ side by side).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The pinned anvil binary that <c>npm ci</c> installs.</summary>
    public static string Anvil => Path.Combine(Root, "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");

    /// <summary>The official Proxmox VE API schema, never copied into the repository.</summary>
    public static string OfficialSchema
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "reference", "proxmox-ve-api-schema.json"));
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"The official Proxmox API schema is expected at {path} (the shared folder beside the checkout).", path);
        }
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
