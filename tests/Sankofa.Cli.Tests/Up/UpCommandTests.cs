using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Sankofa.Core.Topology;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Topology;

namespace Sankofa.Cli.Tests.Up;

/// <summary>`sankofa up` as an operator runs it: its own process, a data directory, Ctrl-C to stop, and again on the same data.</summary>
public sealed class UpCommandTests : IDisposable
{
    private readonly DirectoryInfo data = Directory.CreateTempSubdirectory("sankofa-up-");

    public void Dispose() => data.Delete(recursive: true);

    [Fact]
    public async Task Up_serves_the_api_with_every_edge_site_emulated_stops_on_ctrl_c_and_resumes_on_the_same_data()
    {
        var edge = SiteCatalog.Default.OfTier(SiteTier.Edge)[^1];
        long recordedId;
        await using (var first = await UpProcess.StartAsync(data.FullName))
        {
            Assert.Contains("250 emulated Proxmox VE clusters", first.Banner, StringComparison.Ordinal);
            Assert.Contains(data.FullName, first.Banner, StringComparison.Ordinal);
            var oneTime = (await File.ReadAllTextAsync(Path.Combine(data.FullName, "initial-admin-password"))).Trim();
            Assert.Contains($"user 'admin', one-time password {oneTime} (change it at first sign-in", first.Banner, StringComparison.Ordinal);
            var site = await first.WaitForAsync<SiteResponse>($"api/v1/sites/{edge.Id}", s => s.StatusSource == "probe");
            Assert.Equal(SiteStatus.Up, site.Status);
            Assert.True(site.Provisionable);

            using var created = await first.Client.PostAsJsonAsync("api/v1/audit/entries", new { actor = "ops", action = "test.recorded", subject = "up", payload = new { } });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            recordedId = (await created.Content.ReadFromJsonAsync<Server.Audit.AuditEntryResponse>(Json.Options))!.Id;

            Assert.Equal(0, await first.InterruptAsync());
        }

        Assert.Empty(AnvilsOn(data.FullName));
        await using var second = await UpProcess.StartAsync(data.FullName);
        var entry = await second.WaitForAsync<Server.Audit.AuditEntryResponse>($"api/v1/audit/entries/{recordedId}", e => e.Status == "anchored");
        Assert.Equal("up", entry.Subject);
        Assert.Equal(0, await second.InterruptAsync());
    }

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

        public HttpClient Client { get; }

        public string Banner { get; }

        public static async Task<UpProcess> StartAsync(string dataDirectory)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "sankofa.dll"), "up", "--data-dir", dataDirectory, "--urls", $"http://127.0.0.1:{port}" })
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

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
