using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Hosting;

public class OperationsEndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Fact]
    public async Task Liveness_and_readiness_report_the_database_and_the_chain()
    {
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("healthz")).StatusCode);

        var ready = await Client.GetFromJsonAsync<JsonElement>("readyz");
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal("ok", ready.GetProperty("database").GetString());
        Assert.StartsWith("ok (chain 31337", ready.GetProperty("chain").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_expose_api_store_audit_and_gateway_series_in_prometheus_format()
    {
        var created = await fixture.Server.RecordAsync();
        await fixture.Server.WaitAnchoredAsync(created.Id);

        var text = await Client.GetStringAsync("metrics");

        Assert.Contains("http_requests_received_total", text, StringComparison.Ordinal);
        Assert.Contains("sankofa_audit_anchored_batches_total", text, StringComparison.Ordinal);
        Assert.Contains("sankofa_audit_anchoring_lag_seconds", text, StringComparison.Ordinal);
        Assert.Contains("sankofa_audit_unsealed_entries", text, StringComparison.Ordinal);
        Assert.Contains("sankofa_ledger_transactions_sent", text, StringComparison.Ordinal);
        Assert.Contains("sankofa_ledger_transactions_pending", text, StringComparison.Ordinal);
        Assert.Contains("sankofa_ledger_transactions_confirmation", text, StringComparison.Ordinal);
        Assert.Contains("microsoft_entityframeworkcore_savechanges", text, StringComparison.Ordinal);
        Assert.DoesNotContain("msquic", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_audit_api()
    {
        var doc = await Client.GetFromJsonAsync<JsonElement>("openapi/v1.json");
        var paths = doc.GetProperty("paths");

        Assert.True(paths.TryGetProperty("/api/v1/audit/entries", out _));
        Assert.True(paths.TryGetProperty("/api/v1/audit/entries/{id}", out _));
        Assert.True(paths.TryGetProperty("/api/v1/ledger", out _));
    }

    [Fact]
    public async Task The_ledger_endpoint_names_the_chain_and_contract()
    {
        var ledger = await Client.GetFromJsonAsync<JsonElement>("api/v1/ledger");

        Assert.Equal(31337, ledger.GetProperty("chainId").GetInt64());
        Assert.Matches("^0x[0-9a-fA-F]{40}$", ledger.GetProperty("auditAnchorAddress").GetString());
        Assert.True(ledger.GetProperty("embedded").GetBoolean());
    }
}
