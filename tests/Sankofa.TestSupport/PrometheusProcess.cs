using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sankofa.TestSupport;

/// <summary>
/// Debian's Prometheus server as its own process on a loopback port, scraping one Sankofa server every second and
/// evaluating the given rule files every second, with its data in a temporary directory. Installed by
/// scripts/prometheus.sh (test.sh runs it).
/// </summary>
public sealed class PrometheusProcess : IAsyncDisposable
{
    /// <summary>The scrape job's name, as in the production scrape configuration the rules are written for.</summary>
    public const string Job = "sankofa";

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly HttpClient client;

    private PrometheusProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
        client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Where its HTTP API answers.</summary>
    public Uri Address { get; }

    /// <summary>Starts Prometheus scraping <paramref name="target"/>'s /metrics and waits until it is ready.</summary>
    /// <param name="directory">An empty directory for its configuration and data.</param>
    /// <param name="target">The server to scrape.</param>
    /// <param name="ruleFiles">Rule files to load (absolute paths).</param>
    public static async Task<PrometheusProcess> StartAsync(string directory, Uri target, IEnumerable<string> ruleFiles)
    {
        var config = Path.Combine(directory, "prometheus.yml");
        var rules = string.Concat(ruleFiles.Select(f => $"  - '{f}'\n"));
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
            {rules}
            scrape_configs:
              - job_name: {Job}
                metrics_path: /metrics
                static_configs:
                  - targets: ['{target.Authority}']
            """);

        var address = new Uri($"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}/");
        var start = new ProcessStartInfo("prometheus") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                     $"--web.listen-address={address.Authority}", "--web.enable-lifecycle"])
        {
            start.ArgumentList.Add(arg);
        }

        Process started;
        try
        {
            started = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("prometheus is not installed: run scripts/prometheus.sh (test.sh does) to install Debian's prometheus package.", ex);
        }

        var prometheus = new PrometheusProcess(started, address);
        started.OutputDataReceived += (_, e) => prometheus.Append(e.Data);
        started.ErrorDataReceived += (_, e) => prometheus.Append(e.Data);
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (started.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {started.ExitCode}:\n{prometheus.Output}");
            }

            try
            {
                using var ready = await prometheus.client.GetAsync("-/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return prometheus;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                await prometheus.DisposeAsync();
                throw new TimeoutException($"prometheus was not ready within 60 s:\n{prometheus.Output}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>What the process has written so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Evaluates an instant query; throws with Prometheus's error when the query is refused.</summary>
    /// <returns>The result vector's samples: labels and value.</returns>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string expr)
    {
        using var response = await client.GetAsync($"api/v1/query?query={Uri.EscapeDataString(expr)}");
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        if (json.RootElement.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"prometheus refused the query {expr}: {body}");
        }

        var data = json.RootElement.GetProperty("data");
        if (data.GetProperty("resultType").GetString() != "vector")
        {
            throw new InvalidOperationException($"the query {expr} is not an instant vector: {body}");
        }

        return data.GetProperty("result").EnumerateArray().Select(r => (
            (IReadOnlyDictionary<string, string>)r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>The alerts pending or firing now, by name.</summary>
    public async Task<IReadOnlyList<(string Name, string State)>> AlertsAsync()
    {
        using var json = JsonDocument.Parse(await client.GetStringAsync("api/v1/alerts"));
        return json.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray()
            .Select(a => (a.GetProperty("labels").GetProperty("alertname").GetString()!, a.GetProperty("state").GetString()!)).ToList();
    }

    /// <summary>The rule groups Prometheus loaded, with each rule's last evaluation error if any.</summary>
    public async Task<IReadOnlyList<(string Group, string Rule, string Health, string? Error)>> RulesAsync()
    {
        using var json = JsonDocument.Parse(await client.GetStringAsync("api/v1/rules"));
        return json.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray().Select(r => (
                g.GetProperty("name").GetString()!, r.GetProperty("name").GetString()!, r.GetProperty("health").GetString()!,
                r.TryGetProperty("lastError", out var e) ? e.GetString() : null))).ToList();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    /// <summary>Stops the process (SIGTERM, then SIGKILL after 10 s).</summary>
    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        if (!process.HasExited)
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
            }
        }

        process.Dispose();
    }
}
