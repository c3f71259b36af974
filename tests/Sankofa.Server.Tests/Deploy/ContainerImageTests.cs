using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Sankofa.Server.Tests.Deploy;

/// <summary>
/// deploy/images/Dockerfile without a Docker engine: its instructions say what the images are (user, bases, entrypoint,
/// health check), and the published CLI it copies into /app runs the way the image runs it: as UID 1654, from a directory
/// it cannot write, without a home, writing only to its data directory, and its HEALTHCHECK command answers for it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class ContainerImageTests(PublishedImage image) : IClassFixture<PublishedImage>
{
    public static TheoryData<string> Targets => ["server", "agent"];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task An_image_runs_a_real_sankofa_command_as_the_app_user_with_a_health_check_on_pinned_bases(string target)
    {
        var dockerfile = image.Dockerfile;
        Assert.Equal($"{PublishedImage.AppUser}:{PublishedImage.AppUser}", dockerfile.Effective(target, "USER"));
        Assert.StartsWith("CMD [", HealthCheckCommand(target), StringComparison.Ordinal);
        Assert.Equal(["/app/sankofa"], Dockerfile.ExecForm(dockerfile.Effective(target, "ENTRYPOINT")!));

        // Pinned by a full version (a moving tag such as 10.0 or latest would rebuild onto another runtime), and the
        // runtime's version is the one these tests run on.
        foreach (var from in dockerfile.ExternalBases)
        {
            Assert.Matches(FullVersionTag(), from);
        }

        Assert.Contains($"mcr.microsoft.com/dotnet/aspnet:{Environment.Version.ToString(3)}", dockerfile.ExternalBases);

        // The image's command is one the CLI has: with --help it prints that command's usage and exits 0, where an
        // unknown command or option exits 1.
        var command = Dockerfile.ExecForm(dockerfile.Effective(target, "CMD")!);
        var (code, said) = await PublishedImage.RunAsync(PublishedImage.AsAppUser([Path.Combine(image.App, "sankofa"), .. command, "--help"], new Dictionary<string, string>()));
        Assert.True(code == 0, $"`sankofa {string.Join(' ', command)}` is not a command of the published CLI ({code}):\n{said}");
        Assert.Contains($"sankofa {string.Join(' ', command.TakeWhile(a => !a.StartsWith('-')))}", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_image_answers_ready_as_uid_1654_from_an_app_directory_it_cannot_write_and_its_health_check_follows_it()
    {
        var data = Path.Combine(image.Scratch, "data");
        Directory.CreateDirectory(data);
        Chown(data);
        var database = await TestPostgres.CreateDatabaseAsync();
        await using var anvil = await ExternalAnvil.StartAsync(image.Scratch);
        var port = FreePort.Next();
        var before = Directory.GetFileSystemEntries(image.App, "*", SearchOption.AllDirectories).Length;
        try
        {
            // The app directory is root's: the app user cannot write there (the image's /app on a read-only root).
            var (code, said) = await PublishedImage.RunAsync(PublishedImage.AsAppUser(["touch", Path.Combine(image.App, "probe")], new Dictionary<string, string>()));
            Assert.True(code != 0, "the app user can write the app directory: " + said);

            var environment = new Dictionary<string, string>
            {
                ["SANKOFA_STORE"] = database,
                ["SANKOFA_KEY_PASSWORD"] = "image-test-password",
                ["SANKOFA_DATA_DIR"] = data,
                ["Ledger__RpcUrl"] = anvil.RpcUrl.ToString(),
                ["Logging__LogLevel__Default"] = "Warning",
            };
            var start = PublishedImage.AsAppUser([Path.Combine(image.App, "sankofa"), "server", "--urls", $"http://127.0.0.1:{port}"], environment);
            using var server = Process.Start(start)!;
            var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
            server.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
            server.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
                var ready = await Infrastructure.Eventually.UntilAsync(
                    async () =>
                    {
                        Assert.False(server.HasExited, $"sankofa server exited with {(server.HasExited ? server.ExitCode : 0)}:\n{string.Join('\n', output)}");
                        try
                        {
                            using var answer = await http.GetAsync("readyz");
                            return answer.StatusCode;
                        }
                        catch (HttpRequestException)
                        {
                            return HttpStatusCode.ServiceUnavailable;
                        }
                    },
                    status => status == HttpStatusCode.OK, TimeSpan.FromMinutes(2));
                Assert.True(ready == HttpStatusCode.OK, $"/readyz answered {ready}:\n{string.Join('\n', output)}");

                // The portal's files come from the published layout (wwwroot), not from the build machine's paths.
                using (var stylesheet = await http.GetAsync("_content/MudBlazor/MudBlazor.min.css"))
                {
                    Assert.Equal(HttpStatusCode.OK, stylesheet.StatusCode);
                }

                // The image's HEALTHCHECK, run as the image runs it (as the app user, on the server's port), passes.
                Assert.Equal(0, await HealthCheckAsync("server", new() { ["SANKOFA_HEALTHCHECK_PORT"] = port.ToString(CultureInfo.InvariantCulture) }));

                // What it wrote went to the data directory: the signing keystore, the issuer's keys.
                Assert.True(File.Exists(Path.Combine(data, "ledger", "signer.keystore.json")), "no keystore in the data directory");
                Assert.True(Directory.Exists(Path.Combine(data, "oidc")), "no issuer keys in the data directory");
                Assert.Equal(before, Directory.GetFileSystemEntries(image.App, "*", SearchOption.AllDirectories).Length);
            }
            finally
            {
                using (var term = Process.Start("kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)]))
                {
                    await term.WaitForExitAsync();
                }

                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await server.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    server.Kill(entireProcessTree: true);
                }
            }

            // Stopped, the same check fails: it says something about the server, not about itself.
            Assert.NotEqual(0, await HealthCheckAsync("server", new() { ["SANKOFA_HEALTHCHECK_PORT"] = port.ToString(CultureInfo.InvariantCulture) }));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task The_agent_image_is_healthy_while_its_heartbeat_file_is_fresh()
    {
        var directory = Path.Combine(image.Scratch, "agent");
        Directory.CreateDirectory(directory);
        Chown(directory);
        var environment = new Dictionary<string, string> { ["SANKOFA_AGENT_DIR"] = directory };
        Assert.NotEqual(0, await HealthCheckAsync("agent", environment));

        // `sankofa agent run` on that directory stops at once, saying what it lacks (the kubelet restarts it), and marks nothing.
        var (code, said) = await PublishedImage.RunAsync(PublishedImage.AsAppUser(
            [Path.Combine(image.App, "sankofa"), "agent", "run", "--data-dir", directory, "--client-id", "site-agent", "--link", "http://127.0.0.1:1"], environment));
        Assert.Equal(2, code);
        Assert.Contains("registration.json", said, StringComparison.Ordinal);
        Assert.NotEqual(0, await HealthCheckAsync("agent", environment));

        // The file the agent marks at each heartbeat (AgentLinkTests checks it does): fresh is healthy, 10 minutes old is not.
        var heartbeat = Path.Combine(directory, "heartbeat");
        await File.WriteAllBytesAsync(heartbeat, []);
        Chown(directory);
        Assert.Equal(0, await HealthCheckAsync("agent", environment));
        File.SetLastWriteTimeUtc(heartbeat, DateTime.UtcNow.AddMinutes(-10));
        Assert.NotEqual(0, await HealthCheckAsync("agent", environment));
    }

    /// <summary>The HEALTHCHECK instruction's command of <paramref name="target"/>, from its <c>CMD</c>.</summary>
    private string HealthCheckCommand(string target)
    {
        var instruction = image.Dockerfile.Effective(target, "HEALTHCHECK") ?? throw new InvalidOperationException($"{target} has no HEALTHCHECK");
        return instruction[instruction.IndexOf("CMD ", StringComparison.Ordinal)..];
    }

    /// <summary>Runs <paramref name="target"/>'s HEALTHCHECK command as the app user with the image's environment.</summary>
    private async Task<int> HealthCheckAsync(string target, Dictionary<string, string> environment)
    {
        var command = Dockerfile.ExecForm(HealthCheckCommand(target)["CMD ".Length..]);
        var (code, _) = await PublishedImage.RunAsync(PublishedImage.AsAppUser(command, environment));
        return code;
    }

    private static void Chown(string path)
    {
        using var chown = Process.Start("chown", ["-R", $"{PublishedImage.AppUser}:{PublishedImage.AppUser}", path])!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }

    /// <summary>An image reference whose tag is a full version (major.minor.patch).</summary>
    [GeneratedRegex(@"^[a-z0-9./-]+:\d+\.\d+\.\d+$")]
    private static partial Regex FullVersionTag();
}
