using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sankofa.Cli.Api;
using Sankofa.Core.Topology;
using Sankofa.Server.Tests.Identity.Oidc;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Topology;

namespace Sankofa.Cli.Tests.Up;

/// <summary>
/// `sankofa up` as an operator runs it: its own process, a data directory, the first administrator signing the CLI in
/// with the one-time password from the banner (changed on the way), Ctrl-C to stop, and again on the same data.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class UpCommandTests : IDisposable
{
    private readonly DirectoryInfo data = Directory.CreateTempSubdirectory("sankofa-up-");

    public void Dispose() => data.Delete(recursive: true);

    [Fact]
    public async Task Up_serves_the_api_with_every_site_emulated_stops_on_ctrl_c_and_resumes_on_the_same_data()
    {
        var edge = SiteCatalog.Default.OfTier(SiteTier.Edge)[^1];
        long recordedId;
        string token;
        int port;
        await using (var first = await UpProcess.StartAsync(data.FullName))
        {
            port = first.Address.Port;
            Assert.Contains("325 emulated Proxmox VE clusters", first.Banner, StringComparison.Ordinal);
            Assert.Contains($"Portal     {first.Address.ToString().TrimEnd('/')}/ ", first.Banner, StringComparison.Ordinal);
            Assert.Contains(data.FullName, first.Banner, StringComparison.Ordinal);
            // Third parties read the embedded chain through the server; the data directory is the operator's alone.
            Assert.Contains($"Chain      {first.Address.ToString().TrimEnd('/')}/chain/rpc (read-only; chain id 31337", first.Banner, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, data.UnixFileMode);
            Assert.Empty(OpenToOthers(data));
            var oneTime = (await File.ReadAllTextAsync(Path.Combine(data.FullName, "initial-admin-password"))).Trim();
            Assert.Contains($"user 'admin', one-time password {oneTime} (change it at first sign-in", first.Banner, StringComparison.Ordinal);

            // Nothing but health, the chain's public facts and sign-in answers without a token.
            using (var anonymous = await first.Client.GetAsync("api/v1/sites"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            }

            await SignInCliAsync(first.Address, oneTime);
            token = CliCredentials.Load(first.Address)!.AccessToken;
            first.Client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            var site = await first.WaitForAsync<SiteResponse>($"api/v1/sites/{edge.Id}", s => s.StatusSource == "probe");
            Assert.Equal(SiteStatus.Up, site.Status);
            Assert.True(site.Provisionable);
            var core = await first.WaitForAsync<SiteResponse>($"api/v1/sites/{SiteCatalog.Default.OfTier(SiteTier.Core)[0].Id}", s => s.StatusSource == "probe");
            Assert.True(core.Provisionable);

            using var created = await first.Client.PostAsJsonAsync("api/v1/audit/entries", new { actor = "ops", action = "test.recorded", subject = "up", payload = new { } });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            recordedId = (await created.Content.ReadFromJsonAsync<Server.Audit.AuditEntryResponse>(Json.Options))!.Id;

            Assert.Equal(0, await first.InterruptAsync());
        }

        Assert.Empty(AnvilsOn(data.FullName));
        await using var second = await UpProcess.StartAsync(data.FullName, port);

        // The issuer's keys are in the data directory, and it is the same address: the token from the first run is still good.
        second.Client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var entry = await second.WaitForAsync<Server.Audit.AuditEntryResponse>($"api/v1/audit/entries/{recordedId}", e => e.Status == "anchored");
        Assert.Equal("up", entry.Subject);
        Assert.Equal(0, await second.InterruptAsync());
    }

    /// <summary>
    /// What the README tells a new operator to do: <c>sankofa login</c>, then in the browser sign in as admin with the
    /// one-time password, choose a new one, and approve the code the CLI shows.
    /// </summary>
    private static async Task SignInCliAsync(Uri server, string oneTime)
    {
        var output = new StringWriter();
        var login = SankofaCommand.Create().Parse(["login", "--server", server.ToString()])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = TextWriter.Null });
        string? code = null;
        for (var i = 0; i < 300 && code is null; i++)
        {
            code = ShownCode().Match(output.ToString()) is { Success: true } m ? m.Groups[1].Value : null;
            await Task.Delay(100);
        }

        Assert.NotNull(code);
        var browser = new OidcFlows(server);
        var verify = "/connect/verify?user_code=" + Uri.EscapeDataString(code);
        using (var signedIn = await browser.SignInAsync(verify, "admin", oneTime))
        {
            var page = await signedIn.Content.ReadAsStringAsync();
            Assert.Contains("Choose a new password", page, StringComparison.Ordinal);
            var form = System.Net.WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value);
            using var changed = await browser.PostFormAsync("connect/password", new()
            {
                ["__RequestVerificationToken"] = form, ["returnUrl"] = verify, ["username"] = "admin",
                ["currentPassword"] = oneTime, ["newPassword"] = "the operator's own long password", ["confirmPassword"] = "the operator's own long password",
            });
            Assert.True(changed.StatusCode == HttpStatusCode.Redirect, $"{(int)changed.StatusCode}: {await changed.Content.ReadAsStringAsync()}");
        }

        var approval = await browser.FormAsync(verify.TrimStart('/'));
        using (await browser.PostFormAsync(verify.TrimStart('/'), new() { ["__RequestVerificationToken"] = approval, ["user_code"] = code, ["decision"] = "approve" }))
        {
        }

        Assert.Equal(0, await login);
        var whoami = new StringWriter();
        Assert.Equal(0, await SankofaCommand.Create().Parse(["whoami", "--output", "json", "--server", server.ToString()])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = whoami, Error = TextWriter.Null }));
        Assert.Equal(["platform-admin"], JsonDocument.Parse(whoami.ToString()).RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [GeneratedRegex("approve the code ([A-Z0-9-]+)")]
    private static partial Regex ShownCode();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private static List<string> OpenToOthers(DirectoryInfo directory) =>
        [.. directory.EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(e => (e.UnixFileMode & (UnixFileMode)0b000_111_111) != 0)
            .Select(e => $"{e.FullName} {e.UnixFileMode}")];

    private static List<int> AnvilsOn(string directory) =>
        Directory.GetDirectories("/proc").Select(d => Path.GetFileName(d)).Where(n => n.All(char.IsDigit)).Select(int.Parse)
            .Where(pid =>
            {
                try
                {
                    var cmd = File.ReadAllText($"/proc/{pid}/cmdline");
                    return cmd.Contains("anvil", StringComparison.Ordinal) && cmd.Contains(directory, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            }).ToList();

    private sealed class UpProcess : IAsyncDisposable
    {
        private readonly Process process;

        private UpProcess(Process process, HttpClient client, string banner)
        {
            this.process = process;
            Client = client;
            Banner = banner;
        }

        public Uri Address => Client.BaseAddress!;

        public HttpClient Client { get; }

        public string Banner { get; }

        public static async Task<UpProcess> StartAsync(string dataDirectory, int? port = null)
        {
            port ??= FreePort.Next();
            // Through env: a test run started in the background inherits SIGINT ignored (as shells do for background jobs), and
            // .NET keeps an ignored SIGINT ignored; Ctrl-C at a terminal always finds it at its default.
            var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (var arg in new[] { "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "sankofa.dll"), "up", "--data-dir", dataDirectory, "--urls", $"http://127.0.0.1:{port}" })
            {
                start.ArgumentList.Add(arg);
            }

            var process = Process.Start(start)!;
            var output = new StringBuilder();
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            process.OutputDataReceived += (_, e) =>
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }

                if (e.Data?.Contains("Press Ctrl-C to stop", StringComparison.Ordinal) == true)
                {
                    ready.TrySetResult();
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var finished = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(2)));
            if (finished != ready.Task)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException("sankofa up did not come up:\n" + output);
            }

            string banner;
            lock (output)
            {
                banner = output.ToString();
            }

            return new UpProcess(process, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") }, banner);
        }

        public async Task<T> WaitForAsync<T>(string path, Func<T, bool> condition)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                var value = await Client.GetFromJsonAsync<T>(path, Json.Options);
                if (condition(value!))
                {
                    return value!;
                }

                Assert.True(DateTime.UtcNow < deadline, $"{path} never reached the expected state");
                await Task.Delay(200);
            }
        }

        /// <summary>Ctrl-C (SIGINT), then the exit code.</summary>
        public async Task<int> InterruptAsync()
        {
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode;
        }

        public ValueTask DisposeAsync()
        {
            Client.Dispose();
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
