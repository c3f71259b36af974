using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Core.Topology;
using Sankofa.Proxmox.Emulator;
using Sankofa.Server.Tests.Provisioning;
using Sankofa.TestSupport;

namespace Sankofa.Server.Tests.Tracing;

/// <summary>The server process's JSON console logs, as Loki would read them: one JSON object a line, trace ids in each record written inside a span.</summary>
public sealed class JsonLogsTests
{
    [Fact]
    public async Task Json_log_records_carry_the_trace_id_of_the_request_and_of_the_reconcile_rounds_it_caused()
    {
        var emulatorOptions = new ProxmoxEmulatorOptions { TaskDurations = EmulatedTaskDurations.All(TimeSpan.FromMilliseconds(100)) };
        emulatorOptions.Clusters.Add(EmulatedSites.ClusterFor(SiteCatalog.Default.Get("edge-001")));
        await using var emulator = await ProxmoxEmulator.StartAsync(emulatorOptions);
        var settings = new Dictionary<string, string>
        {
            ["Logging:Format"] = "json",
            // The request's own records (ASP.NET Core's "Request starting …"), which production logs at Warning only.
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
            ["Tracing:Enabled"] = "true",
            ["Provisioning:PollInterval"] = "00:00:00.100",
        };
        foreach (var (key, value) in emulator.ClientSettings(taskPollInterval: TimeSpan.FromMilliseconds(25), taskTimeout: TimeSpan.FromSeconds(30)))
        {
            settings[key] = value!;
        }

        var data = Directory.CreateTempSubdirectory("sankofa-json-logs-").FullName;
        try
        {
            await using var server = await ServerProcess.StartAsync(data, settings: settings);
            var tenant = "t-" + Guid.NewGuid().ToString("N")[..8];
            using (var created = await server.Client.PostAsJsonAsync("api/v1/tenants", new { id = tenant, name = "Tenant", quota = new { vcpu = 16, ramMiB = 65536, diskGiB = 1024, vms = 10 } }))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            using (var created = await server.Client.PostAsJsonAsync($"api/v1/tenants/{tenant}/projects", new { id = "p-logs", name = "Project", quota = new { vcpu = 16, ramMiB = 65536, diskGiB = 1024, vms = 10 } }))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            using var caller = await TracedCaller.SignInAsync(server.Address);
            var traceId = caller.TraceId.ToHexString();
            using var response = await caller.PostAsync("api/v1/resources", ProvisioningHarness.Vm("p-logs", "edge-001", "logged"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

            // The reconciler logs each status change inside its round's span, a child of the request's.
            var records = await Infrastructure.Eventually.UntilAsync(
                () => Task.FromResult(server.Output.Select(Parse).ToList()),
                all => all.Any(r => TraceIdOf(r) == traceId && Message(r).EndsWith("-> Verified", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(90));

            Assert.All(records, r => Assert.Equal(JsonValueKind.Object, r.ValueKind)); // every line is one JSON object
            var traced = records.Where(r => TraceIdOf(r) == traceId).ToList();
            var started = Assert.Single(traced, r => r.GetProperty("Category").GetString() == "Microsoft.AspNetCore.Hosting.Diagnostics"
                                                     && Message(r).StartsWith("Request starting HTTP/1.1 POST", StringComparison.Ordinal) && Message(r).Contains("/api/v1/resources", StringComparison.Ordinal));
            Assert.Equal(caller.SpanId.ToHexString(), Scope(started, "ParentId"));
            var request = SpanIdOf(started);
            Assert.Matches("^[0-9a-f]{16}$", request);

            // The round that made it Verified logged inside its span, a child of the request's span.
            var verified = Assert.Single(traced, r => Message(r).StartsWith($"Resource {id}: ", StringComparison.Ordinal) && Message(r).EndsWith("-> Verified", StringComparison.Ordinal));
            Assert.Equal(request, Scope(verified, "ParentId"));
            Assert.NotEqual(request, SpanIdOf(verified));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static JsonElement Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(line); // a string, not an object: fails the every-line check
        }
    }

    private static string Message(JsonElement record) =>
        record.ValueKind == JsonValueKind.Object && record.TryGetProperty("Message", out var m) ? m.GetString() ?? string.Empty : string.Empty;

    // The JSON console format writes the span's ids as the first scope.
    private static string? TraceIdOf(JsonElement record) => Scope(record, "TraceId");

    private static string? SpanIdOf(JsonElement record) => Scope(record, "SpanId");

    private static string? Scope(JsonElement record, string name) =>
        record.ValueKind == JsonValueKind.Object && record.TryGetProperty("Scopes", out var scopes)
            ? scopes.EnumerateArray().Select(s => s.TryGetProperty(name, out var v) ? v.GetString() : null).FirstOrDefault(v => v is not null)
            : null;
}
