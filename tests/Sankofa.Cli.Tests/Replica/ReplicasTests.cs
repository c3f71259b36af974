using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Cli.Tests.Agents;
using Sankofa.Core.Topology;
using Sankofa.Proxmox.Emulator;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Cli.Tests.Replica;

/// <summary>
/// Two <c>sankofa server</c> replicas as their own processes on one PostgreSQL and one external chain: a change made
/// through one is seen through the other within the signal bus's bound (docs/operations.md, "Running replicas"), with the
/// other paths (the chain's status refresh, the read cache's age) set far longer so only the bus can explain it.
/// </summary>
[Collection(nameof(ReplicasTests))]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReplicasTests : IAsyncLifetime
{
    // The stated bound is "within a second"; the margin covers a loaded test machine.
    private static readonly TimeSpan BoundAndMargin = TimeSpan.FromSeconds(1) + TimeSpan.FromSeconds(4);
    private const string Site = "edge-001";

    private readonly string directory = Directory.CreateTempSubdirectory("sankofa-replicas-").FullName;
    private string database = string.Empty;
    private ExternalAnvil anvil = null!;
    private ProxmoxEmulator emulator = null!;

    public async Task InitializeAsync()
    {
        database = await TestPostgres.CreateDatabaseAsync();
        anvil = await ExternalAnvil.StartAsync(directory);
        var options = new ProxmoxEmulatorOptions { TaskDurations = EmulatedTaskDurations.All(TimeSpan.FromMilliseconds(100)) };
        options.Clusters.Add(EmulatedSites.ClusterFor(SiteCatalog.Default.Get(Site)));
        emulator = await ProxmoxEmulator.StartAsync(options);
    }

    public async Task DisposeAsync()
    {
        await emulator.DisposeAsync();
        await anvil.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(database);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_suspension_and_a_new_resource_made_through_one_replica_are_seen_through_the_other_within_the_bound()
    {
        var (first, second) = await StartTwoReplicasAsync();
        await using (first)
        await using (second)
        {
            // An identity active on both: its token is taken by the second replica.
            var (id, token) = await ServiceAccounts.CreateAsync(first.Client, "auditor");
            Assert.Equal(HttpStatusCode.OK, await AsAsync(second, token));

            using (var suspended = await first.Client.PostAsync($"api/v1/identities/{id}/suspend", null))
            {
                Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
            }

            var refused = await UntilAsync(() => AsAsync(second, token), status => status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
            Assert.True(refused is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"the suspended identity's token is still taken by the second replica ({refused})");

            // A resource created through the first replica shows in the second's kept list.
            var project = await NewProjectAsync(first.Client);
            var list = $"api/v1/resources?projectId={project}";
            Assert.Empty(await ItemsAsync(second, list));
            Assert.Empty(await ItemsAsync(second, list)); // kept now
            using var created = await first.Client.PostAsJsonAsync("api/v1/resources", ProvisioningHarness.Vm(project, Site));
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            var resource = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            var seen = await UntilAsync(() => ItemsAsync(second, list), items => items.Count == 1);
            Assert.Equal(resource, Assert.Single(seen));

            // A sign-in form served by one replica is taken by the other (one key ring for anti-forgery and cookies):
            // the wrong password is what it answers, not an expired form.
            var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });
            using (browser)
            {
                var page = await browser.GetStringAsync(new Uri(first.Address, "connect/login?returnUrl=%2F"));
                var formToken = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
                using var posted = await browser.PostAsync(new Uri(second.Address, "connect/login"), new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = formToken, ["returnUrl"] = "/", ["username"] = "admin", ["password"] = "not-the-password",
                }));
                Assert.Contains("The user name or password is wrong.", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // One replica leads the audit worker and has compared the store with the chain; the other says who does.
            var audit = await UntilAsync(
                async () => new[] { await AuditLineAsync(first), await AuditLineAsync(second) },
                lines => lines.Count(l => l.StartsWith("ok", StringComparison.Ordinal)) == 1);
            Assert.Single(audit, l => l.StartsWith("ok", StringComparison.Ordinal));
            Assert.Single(audit, l => l.StartsWith("another replica leads the audit worker", StringComparison.Ordinal));
        }
    }

    private static async Task<string> AuditLineAsync(ServerProcess replica) =>
        (await replica.Anonymous.GetFromJsonAsync<Sankofa.Server.Hosting.HealthReport>("readyz", Sankofa.Server.Tests.Infrastructure.Json.Options))!.Audit!;

    [Fact]
    public async Task Work_queued_through_the_replica_without_the_agents_link_reaches_the_agent_through_the_replica_holding_it()
    {
        var link = new Uri($"http://127.0.0.1:{FreePort.Next()}");

        // The link's replica never resends on its own within the test, and its reconciler only runs when woken: the
        // other replica's reconciler queues the work, and only its signal can bring it to the link.
        var (first, second) = await StartTwoReplicasAsync(
            firstArguments: ["--agent-link-url", link.ToString()],
            firstSettings: new() { ["AgentLink:MaintainInterval"] = "00:10:00", ["AgentLink:HeartbeatInterval"] = "00:00:01", ["Provisioning:PollInterval"] = "00:10:00" },
            secondSettings: new() { ["Provisioning:PollInterval"] = "00:00:00.200", ["Provisioning:MinRetryDelay"] = "00:00:00.200", ["Provisioning:MaxRetryDelay"] = "00:00:01" });
        await using (first)
        await using (second)
        {
            await CliConfig.SignInAsAdministratorAsync(first.Address);
            using var site = await SiteAgentSetup.BringUpAsync(first.Address, first.Client, emulator, Site, TimeSpan.FromSeconds(1));
            var agent = site.Start(link);
            try
            {
                await agent.UntilAsync(() => agent.Said().Contains("Linked to", StringComparison.Ordinal), "the agent never linked to the first replica");

                // The second replica knows the agent is there from the store, not from a link of its own.
                var agents = await second.Client.GetFromJsonAsync<JsonElement>($"api/v1/sites/{Site}/agents");
                Assert.Contains(agents.GetProperty("items").EnumerateArray(), a => a.GetProperty("lastSeenAt").ValueKind == JsonValueKind.String);

                // And the site's health from the agent's reports, signalled by the replica that received them.
                var health = await Server.Tests.Infrastructure.Eventually.UntilAsync(
                    () => second.Client.GetFromJsonAsync<JsonElement>($"api/v1/sites/{Site}"), s => s.GetProperty("statusSource").GetString() == "agent");
                Assert.Equal("agent", health.GetProperty("statusSource").GetString());

                var project = await NewProjectAsync(second.Client);
                using var created = await second.Client.PostAsJsonAsync("api/v1/resources", ProvisioningHarness.Vm(project, Site));
                Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
                var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
                var resource = await Server.Tests.Infrastructure.Eventually.UntilAsync(
                    () => second.Client.GetFromJsonAsync<JsonElement>($"api/v1/resources/{id}"),
                    r => r.GetProperty("status").GetString() is "verified" or "failed", TimeSpan.FromSeconds(90));
                Assert.True(resource.GetProperty("status").GetString() == "verified", $"{resource}; the agent said: {agent.Said()}");
                var events = resource.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
                Assert.Contains("agent.dispatched", events);
                Assert.DoesNotContain("vm.provisioning", events); // the site's own process drove it
            }
            finally
            {
                await agent.StopAsync();
            }
        }
    }

    [Fact]
    public async Task Server_refuses_to_start_without_a_store_or_with_a_key_password_file_others_can_read()
    {
        var (code, error) = await RunCliAsync(["server", "--rpc-url", anvil.RpcUrl.ToString()]);
        Assert.Equal(2, code);
        Assert.Contains("--store (or $SANKOFA_STORE) is required", error, StringComparison.Ordinal);

        var password = Path.Combine(directory, "readable-password");
        await File.WriteAllTextAsync(password, "secret");
        File.SetUnixFileMode(password, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        (code, error) = await RunCliAsync(["server", "--store", database, "--rpc-url", anvil.RpcUrl.ToString(), "--key-password-file", password]);
        Assert.Equal(2, code);
        Assert.Contains("can be read by others; chmod 600 it", error, StringComparison.Ordinal);

        (code, error) = await RunCliAsync(["server", "--store", "Database=sankofa", "--rpc-url", anvil.RpcUrl.ToString()]);
        Assert.Equal(2, code);
        Assert.Contains("--store must name the Host and the Database", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The first replica makes the keystore, the contracts, the issuer's keys, the personal-data key and the cookies' key
    /// ring; the second gets
    /// copies of them, as an operator provisions every replica (docs/operations.md). Both name one issuer, as behind a
    /// load balancer. The second follows the chain's statuses and keeps answers for far longer than the bus's bound.
    /// </summary>
    private async Task<(ServerProcess First, ServerProcess Second)> StartTwoReplicasAsync(
        string[]? firstArguments = null, Dictionary<string, string>? firstSettings = null, Dictionary<string, string>? secondSettings = null)
    {
        var firstData = Path.Combine(directory, "replica-1");
        var secondData = Path.Combine(directory, "replica-2");
        var password = Path.Combine(directory, "key-password");
        await File.WriteAllTextAsync(password, "replica-test-password");
        File.SetUnixFileMode(password, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var firstPort = FreePort.Next();
        var issuer = $"http://127.0.0.1:{firstPort}/";
        string[] Arguments(string data) => ["--data-dir", data, "--rpc-url", anvil.RpcUrl.ToString(), "--key-password-file", password, "--issuer", issuer];
        var settings = new Dictionary<string, string>
        {
            ["SANKOFA_STORE"] = database,
            ["ReadCache:MaxAge"] = "01:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in emulator.ClientSettings(taskPollInterval: TimeSpan.FromMilliseconds(25), taskTimeout: TimeSpan.FromSeconds(30)))
        {
            settings[key] = value!;
        }

        // One machine, two replicas: each names itself in its reconciler claims (docs/operations.md).
        var first = await ServerProcess.StartReplicaAsync(
            Cli, firstPort, [.. Arguments(firstData), .. firstArguments ?? []], With(With(settings, new() { ["Provisioning:InstanceId"] = "replica-1" }), firstSettings));
        try
        {
            Copy(Path.Combine(firstData, "ledger"), Path.Combine(secondData, "ledger"));
            Copy(Path.Combine(firstData, "oidc"), Path.Combine(secondData, "oidc"));
            File.Copy(Path.Combine(firstData, "personal-data.key"), Path.Combine(secondData, "personal-data.key"));
            Copy(Path.Combine(firstData, "data-protection"), Path.Combine(secondData, "data-protection"));
            var slower = With(settings, new() { ["Provisioning:InstanceId"] = "replica-2", ["Auth:StatusRefreshInterval"] = "00:10:00", ["Auth:StatusMaxAge"] = "00:20:00" });
            return (first, await ServerProcess.StartReplicaAsync(Cli, FreePort.Next(), Arguments(secondData), With(slower, secondSettings)));
        }
        catch
        {
            await first.DisposeAsync();
            throw;
        }
    }

    private static Dictionary<string, string> With(Dictionary<string, string> settings, Dictionary<string, string>? more)
    {
        var all = new Dictionary<string, string>(settings);
        foreach (var (key, value) in more ?? [])
        {
            all[key] = value;
        }

        return all;
    }

    private static string Cli => Path.Combine(AppContext.BaseDirectory, "sankofa.dll");

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private static async Task<HttpStatusCode> AsAsync(ServerProcess server, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await server.Anonymous.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<List<string>> ItemsAsync(ServerProcess server, string path)
    {
        var body = await server.Client.GetFromJsonAsync<JsonElement>(path);
        return [.. body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
    }

    private static async Task<string> NewProjectAsync(HttpClient client)
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await client.PostAsJsonAsync("api/v1/tenants", new { id = tenant, name = "Tenant", quota = new { vcpu = 64, ramMiB = 262144, diskGiB = 4096, vms = 20 } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var project = "p-" + Guid.NewGuid().ToString("N")[..8];
        using var response = await client.PostAsJsonAsync($"api/v1/tenants/{tenant}/projects", new { id = project, name = "Project", quota = new { vcpu = 64, ramMiB = 262144, diskGiB = 4096, vms = 20 } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return project;
    }

    /// <summary>The first answer that is <paramref name="done"/>, or the last one once the bound and its margin have passed.</summary>
    private static async Task<T> UntilAsync<T>(Func<Task<T>> attempt, Func<T, bool> done)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var result = await attempt();
            if (done(result) || waited.Elapsed > BoundAndMargin)
            {
                return result;
            }

            await Task.Delay(50);
        }
    }

    private static async Task<(int Code, string Error)> RunCliAsync(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Cli);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("SANKOFA_STORE");
        start.Environment.Remove("SANKOFA_KEY_PASSWORD");
        start.Environment["SANKOFA_DATA_DIR"] = Path.Combine(Path.GetTempPath(), "sankofa-never-written");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await error);
    }
}
