using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Sankofa.Core.Provisioning;
using Sankofa.Ledger.Gateway;
using Sankofa.Server.Provisioning;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Server.Tests.Tracing;

/// <summary>
/// Traces end to end: a real server with tracing on and an in-memory exporter, the Proxmox VE emulator and the embedded
/// chain; one VM request followed from the API through placement, the reconciler's rounds in the background worker,
/// the Proxmox operations and their HTTP calls, to each chain transaction.
/// </summary>
public sealed partial class TracingTests
{
    [Fact]
    public async Task A_vm_request_is_one_trace_from_the_api_through_placement_reconcile_proxmox_calls_and_chain_transactions()
    {
        var spans = new SpanList();
        await using var h = await ProvisioningHarness.StartAsync(
            new Dictionary<string, string?> { ["Tracing:Enabled"] = "true" },
            builder => builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        var project = await h.NewProjectAsync();

        // The caller's own trace, as a gateway or a traced client would send it: the server continues it.
        using var caller = await TracedCaller.SignInAsync(h.Server.Address);
        var (traceId, callerSpan) = (caller.TraceId, caller.SpanId);
        using var response = await caller.PostAsync("api/v1/resources", ProvisioningHarness.Vm(project, "edge-001", "traced"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var verified = await h.WaitForAsync(id, ResourceStatus.Verified);
        // The round that stored Verified ends its span just after; wait for it to be exported.
        var trace = await Eventually.UntilAsync(
            () => Task.FromResult(spans.Snapshot().Where(s => s.TraceId == traceId).ToList()),
            t => t.Any(s => s.OperationName == "reconcile" && Equals(s.GetTagItem("sankofa.resource.outcome"), "Verified")));

        // The request: a server span under the caller's, the placement decided inside it.
        // (The emulator answers in this process, so its own server spans are in the trace too, under the HTTP calls.)
        var server = Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.ParentSpanId == callerSpan);
        Assert.Equal("/api/v1/resources", server.GetTagItem("http.route"));
        Assert.Equal("POST", server.GetTagItem("http.request.method"));
        Assert.Equal(202, server.GetTagItem("http.response.status_code"));
        var placement = Assert.Single(trace, s => s.OperationName == "placement");
        Assert.Equal(server.SpanId, placement.ParentSpanId);
        Assert.Equal(id, placement.GetTagItem(ProvisioningTracing.ResourceAttribute));
        Assert.Equal("edge-001", placement.GetTagItem("sankofa.placement.site"));

        // The reconciler's rounds ran later in the background worker, each a child of the request.
        var rounds = trace.Where(s => s.OperationName == "reconcile").ToList();
        Assert.NotEmpty(rounds);
        Assert.All(rounds, r => Assert.Equal(server.SpanId, r.ParentSpanId));
        Assert.All(rounds, r => Assert.Equal(id, r.GetTagItem(ProvisioningTracing.ResourceAttribute)));
        var roundIds = rounds.Select(r => r.SpanId).ToHashSet();

        // Each Proxmox operation inside a round, each with its HTTP calls to the cluster's API under it.
        var operations = trace.Where(s => s.Source.Name == Sankofa.Proxmox.Provisioning.ProxmoxTracing.SourceName).ToList();
        Assert.Equal(["proxmox clone", "proxmox configure", "proxmox start"], operations.OrderBy(s => s.StartTimeUtc).Select(s => s.OperationName));
        Assert.All(operations, o => Assert.Contains(o.ParentSpanId, roundIds));
        Assert.All(operations, o => Assert.Equal(verified.Vm!.VmId, o.GetTagItem("sankofa.proxmox.vmid")));
        var httpCalls = trace.Where(s => s.Kind == ActivityKind.Client && s.Source.Name == "System.Net.Http").ToList();
        Assert.All(operations, o => Assert.Contains(httpCalls, c => c.ParentSpanId == o.SpanId && ((string)c.GetTagItem("url.full")!).Contains("/api2/json/", StringComparison.Ordinal)));

        // Each chain transaction the history names carried a transition whose span is in a round, with the hash.
        var transitions = trace.Where(s => s.OperationName == "chain transition").ToList();
        Assert.All(transitions, t => Assert.Contains(t.ParentSpanId, roundIds));
        var hashes = transitions.Select(t => (string?)t.GetTagItem(LedgerTracing.TransactionHashAttribute)).ToHashSet();
        var named = verified.Events!.SelectMany(e => TransactionHash().Matches(e.Message).Select(m => m.Groups[1].Value)).ToList();
        Assert.True(named.Count >= 3, "the history names the request, placement and attestation transactions: " + string.Join(", ", named));
        Assert.All(named, hash => Assert.True(hashes.Contains(hash), $"{hash} is not among the transition spans' hashes: {string.Join(", ", hashes)}"));

        // Transitions share transactions, so each transaction is sent in a batch's own trace, linked to the transitions it carries.
        var all = spans.Snapshot();
        var transitionIds = transitions.Select(t => t.Context).ToHashSet();
        foreach (var hash in named.Distinct())
        {
            var sent = Assert.Single(all, s => s.OperationName == "chain transaction" && Equals(s.GetTagItem(LedgerTracing.TransactionHashAttribute), hash));
            var batch = Assert.Single(all, s => s.SpanId == sent.ParentSpanId);
            Assert.Equal("chain batch", batch.OperationName);
            Assert.Contains(batch.Links, l => transitionIds.Contains(l.Context));
        }

        // One tree: every span's parent is the caller's or another span of the trace.
        var spanIds = trace.Select(s => s.SpanId).Append(callerSpan).ToHashSet();
        Assert.All(trace, s => Assert.Contains(s.ParentSpanId, spanIds));
    }

    [Fact]
    public async Task Tracing_is_off_unless_configured()
    {
        await using var server = await TestServer.StartAsync();
        Assert.Null(server.Services.GetService<TracerProvider>());
    }

    [GeneratedRegex(@"\btx (0x[0-9a-f]{64})\b")]
    private static partial Regex TransactionHash();
}
