using System.Diagnostics;

namespace Sankofa.Server.Tests.Deploy;

/// <summary>
/// What deploy/images/Dockerfile puts in /app, made here without a Docker engine: its build stage's publish command run
/// as written (with /out in a temporary directory), then the published CLI laid out as the image's COPY does, owned by
/// root and not writable by the app user (UID 1654). Published once for every test of the class.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PublishedImage : IAsyncLifetime
{
    /// <summary>The app user of the .NET images, and the UID every pod of deploy/kubernetes runs as.</summary>
    public const int AppUser = 1654;

    private readonly string root = Directory.CreateTempSubdirectory("sankofa-image-").FullName;

    public Dockerfile Dockerfile { get; } = Dockerfile.Parse(File.ReadAllText(Path.Combine(Repository.Root, "deploy", "images", "Dockerfile")));

    /// <summary>The image's /app.</summary>
    public string App => Path.Combine(root, "app");

    /// <summary>A scratch directory of the test's, readable and traversable by the app user.</summary>
    public string Scratch => root;

    public async Task InitializeAsync()
    {
        // The temporary directory is 0700: the app user must be able to reach /app below it, and only to read it.
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        var publish = Dockerfile.Target("build").Instructions.Single(i => i.Instruction == "RUN").Arguments;
        var output = Path.Combine(root, "out");
        var (code, said) = await RunAsync("bash", ["-c", publish.Replace("/out/", output + "/", StringComparison.Ordinal)], Repository.Root);
        Assert.True(code == 0, $"the Dockerfile's publish failed ({code}):\n{said}");

        // COPY --from=build /out/cli/ /app/: root owns it, the app user reads and runs it.
        var copy = Dockerfile.Target("runtime").Instructions.Single(i => i.Instruction == "COPY").Arguments;
        Assert.Contains("/out/cli/ /app/", copy, StringComparison.Ordinal);
        (code, said) = await RunAsync("cp", ["-a", Path.Combine(output, "cli") + "/.", App], Repository.Root);
        Assert.True(code == 0, said);
        (code, said) = await RunAsync("chmod", ["-R", "go-w,go+rX", App], Repository.Root);
        Assert.True(code == 0, said);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(root, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Starts <paramref name="arguments"/> as the app user (UID and GID 1654, no supplementary groups) with only
    /// <paramref name="environment"/> and PATH: no HOME, as on a read-only root file system where none is writable.
    /// </summary>
    public static ProcessStartInfo AsAppUser(IEnumerable<string> arguments, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var argument in (string[])["--reuid", $"{AppUser}", "--regid", $"{AppUser}", "--clear-groups", "--", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>Runs a process to its end; its exit code and what it wrote to either stream.</summary>
    public static async Task<(int Code, string Said)> RunAsync(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static Task<(int Code, string Said)> RunAsync(string file, string[] arguments, string directory)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return RunAsync(start);
    }
}
