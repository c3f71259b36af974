using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Sankofa.Cli.Tests.Audit;
using Sankofa.Server.Audit;
using Sankofa.Server.Evidence;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Cli.Tests.Compliance;

/// <summary>
/// Control evidence end to end against a real server and anvil: a period's run over REST and the CLI, the same period
/// again answering the same run, the package and PDF downloaded, the package verified against its anchoring audit entry
/// and that entry's proof against the root read from the chain; one byte changed in the package and verification fails.
/// </summary>
public sealed class EvidenceJourneyTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("sankofa-evidence-").FullName;
    private TestServer server = null!;

    private string Server => server.Address.ToString();

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["Audit:BatchSize"] = "4" });
        await CliConfig.SignInAsAdministratorAsync(server.Address);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_periods_evidence_package_verifies_against_the_chain_and_a_changed_byte_fails()
    {
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        for (var i = 0; i < 5; i++)
        {
            await server.RecordAsync("alice", "test.recorded", $"thing-{i}", new { i });
        }

        // The end first, then everything recorded so far anchored: every entry of the period is then sealed and on chain.
        // The period travels at millisecond precision and its end is exclusive: a few milliseconds' wait keeps the last
        // entry (stamped by the server a moment ago) inside it once the end is truncated.
        await Task.Delay(10);
        var to = DateTimeOffset.UtcNow;
        await EverythingAnchoredAsync();

        // Bad periods are 400s naming the field.
        await RefusedAsync(new { from = Iso(to), to = Iso(from) }, "to");
        await RefusedAsync(new { from = Iso(from), to = Iso(to.AddDays(1)) }, "to");
        await RefusedAsync(new { from = Iso(from) }, "to");

        // The run through the CLI; the same period again over REST answers the same run (200, not a second package).
        var ran = await AuditVerifyTests.RunCliAsync("compliance", "evidence", "run", "--from", Iso(from), "--to", Iso(to), "--server", Server, "--output", "json");
        Assert.True(ran.ExitCode == 0, ran.Output + ran.Error);
        var run = JsonSerializer.Deserialize<EvidenceRunResponse>(ran.Output, Json.Options)!;
        Assert.Equal(1, run.Attempt);
        Assert.Equal(2, run.Summary.Manual); // A1.2 and A.8.13: no automated evidence, said so
        using (var again = await server.Client.PostAsJsonAsync("api/v1/compliance/evidence-runs", new { from = Iso(from), to = Iso(to) }))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(run.Id, (await again.Content.ReadFromJsonAsync<EvidenceRunResponse>(Json.Options))!.Id);
        }

        var page = await server.Client.GetFromJsonAsync<EvidenceRunPageResponse>("api/v1/compliance/evidence-runs?limit=5", Json.Options);
        Assert.Contains(page!.Items, r => r.Id == run.Id);
        using (var graph = await server.Client.PostAsJsonAsync("graphql", new { query = $"{{ evidenceRun(id: {run.Id}) {{ packageSha256 auditEntryId manual }} }}" }))
        {
            var found = (await graph.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("evidenceRun");
            Assert.Equal((run.PackageSha256, run.AuditEntryId, 2), (found.GetProperty("packageSha256").GetString(), found.GetProperty("auditEntryId").GetInt64(), found.GetProperty("manual").GetInt32()));
        }

        // The package: the period's entries all sealed and anchored, the entries counted by kind; its hash is the run's.
        var downloaded = await AuditVerifyTests.RunCliAsync("compliance", "evidence", "download", run.Id.ToString(CultureInfo.InvariantCulture), "--dir", directory, "--server", Server);
        Assert.True(downloaded.ExitCode == 0, downloaded.Output + downloaded.Error);
        var packageFile = Path.Combine(directory, $"evidence-run-{run.Id}.json");
        var bytes = await File.ReadAllBytesAsync(packageFile);
        Assert.Equal(run.PackageSha256, "0x" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.StartsWith("%PDF-", await File.ReadAllTextAsync(Path.Combine(directory, $"evidence-run-{run.Id}.pdf")), StringComparison.Ordinal);
        using (var package = JsonDocument.Parse(bytes))
        {
            var integrity = package.RootElement.GetProperty("collectors").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "audit-integrity");
            Assert.True(integrity.GetProperty("verdict").GetString() == "pass", integrity.ToString());
            var facts = package.RootElement.GetProperty("collectors")[0].GetProperty("facts").EnumerateArray().ToDictionary(f => f[0].GetString()!, f => f[1].ToString());
            Assert.Equal("5", facts["action:test.recorded"]);
        }

        // Verified against the chain's endpoint: the package's hash is the entry's, the entry's proof leads to the root on chain.
        await server.WaitAnchoredAsync(run.AuditEntryId);
        var ledger = await server.Client.GetFromJsonAsync<JsonElement>("api/v1/ledger");
        var verified = await AuditVerifyTests.RunCliAsync("compliance", "evidence", "verify", run.Id.ToString(CultureInfo.InvariantCulture), "--file", packageFile,
            "--rpc-url", ledger.GetProperty("rpcUrl").GetString()!, "--contract", ledger.GetProperty("auditAnchorAddress").GetString()!, "--server", Server);
        Assert.True(verified.ExitCode == 0, verified.Output + verified.Error);
        Assert.Contains($"Evidence run {run.Id} verified: package SHA-256 {run.PackageSha256} is anchored by audit entry {run.AuditEntryId}", verified.Output, StringComparison.Ordinal);

        // One byte changed (a fact's count) and the package no longer matches what the chain vouches for.
        var index = Array.IndexOf(bytes, (byte)'5', Array.IndexOf(bytes, (byte)'[', 100));
        bytes[index] = (byte)'6';
        await File.WriteAllBytesAsync(packageFile, bytes);
        var tampered = await AuditVerifyTests.RunCliAsync("compliance", "evidence", "verify", run.Id.ToString(CultureInfo.InvariantCulture), "--file", packageFile, "--server", Server);
        Assert.True(tampered.ExitCode == 1, tampered.Output + tampered.Error);
        Assert.Contains($"Evidence run {run.Id} FAILED verification.", tampered.Output, StringComparison.Ordinal);
        Assert.Contains($"differs from the anchored {run.PackageSha256} (the package was changed)", tampered.Output, StringComparison.Ordinal);
    }

    private async Task RefusedAsync(object body, string field)
    {
        using var response = await server.Client.PostAsJsonAsync("api/v1/compliance/evidence-runs", body);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, problem.ToString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    /// <summary>Waits until every entry so far is anchored (entries the server records itself included).</summary>
    private async Task EverythingAnchoredAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await server.Client.GetFromJsonAsync<AuditPageResponse>("api/v1/audit/entries?limit=1000", Json.Options))!.Items.Any(e => e.Status != "anchored"))
        {
            Assert.True(DateTime.UtcNow < deadline, "entries still not anchored");
            await Task.Delay(50);
        }
    }

    private static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
