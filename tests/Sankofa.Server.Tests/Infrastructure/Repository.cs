namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>Paths inside the source checkout the tests run from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The pinned anvil binary that <c>npm ci</c> installs.</summary>
    public static string Anvil => Path.Combine(Root, "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");

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
