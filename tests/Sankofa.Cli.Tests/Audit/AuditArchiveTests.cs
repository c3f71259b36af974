using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Server.Audit;
using Sankofa.Server.Retention;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Cli.Tests.Audit;

/// <summary>
/// Retention of the audit log end to end, against a real server and chain: `sankofa audit archive` moves old entries to a
/// file and out of the hot store, `sankofa audit verify --archive` checks that file against the chain alone, `sankofa
/// audit verify --all` still passes on what remains (the link across the boundary checked), and deleting entries
/// before their retention ends is refused.
/// </summary>
public sealed class AuditArchiveTests(AuditArchiveTests.ArchiveServer fixture) : IClassFixture<AuditArchiveTests.ArchiveServer>
{
    private readonly TestServer server = fixture.Server;
    private readonly string directory = fixture.Directory;

    /// <summary>One server for the class (its tests run one after another); small batches, so an archive spans several roots.</summary>
    public sealed class ArchiveServer : IAsyncLifetime
    {
        public TestServer Server { get; private set; } = null!;

        public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("sankofa-archives-").FullName;

        public async Task InitializeAsync()
        {
            Server = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["Audit:BatchSize"] = "4" });
            await CliConfig.SignInAsAdministratorAsync(Server.Address);
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private string Server => server.Address.ToString();

    /// <summary>Records entries and waits until every entry so far is anchored, so the next cut-off takes them all.</summary>
    private async Task<List<long>> RecordAnchoredAsync(int count, string subject)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await server.RecordAsync("alice", "test.recorded", $"{subject}-{i}", new { i })).Id);
        }

        await WaitEverythingAnchoredAsync();
        return ids;
    }

    private async Task WaitEverythingAnchoredAsync()
    {
        var newest = (await server.Client.GetFromJsonAsync<AuditPageResponse>("api/v1/audit/entries?limit=1", Json.Options))!.Items[0].Id;
        await server.WaitAnchoredAsync(newest);
        // Batches are anchored in order, but entries recorded by the server itself may still be waiting behind it.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await server.Client.GetFromJsonAsync<AuditPageResponse>("api/v1/audit/entries?limit=1000", Json.Options))!.Items.Any(e => e.Status != "anchored"))
        {
            Assert.True(DateTime.UtcNow < deadline, "entries still not anchored");
            await Task.Delay(50);
        }
    }

    private async Task<(AuditArchiveResponse Archive, string File)> ArchiveAsync(DateTimeOffset before)
    {
        var run = await AuditVerifyTests.RunCliAsync("audit", "archive", "--before", before.ToString("O", CultureInfo.InvariantCulture),
            "--dir", directory, "--server", Server, "--output", "json");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var archive = json.RootElement.GetProperty("archive").Deserialize<AuditArchiveResponse>(Json.Options)!;
        return (archive, json.RootElement.GetProperty("savedTo").GetString()!);
    }

    [Fact]
    public async Task Archived_entries_still_verify_against_the_chain_and_the_remaining_log_still_verifies()
    {
        var old = await RecordAnchoredAsync(10, "old");
        var startsAfter = (await server.Client.GetFromJsonAsync<RetentionStatusResponse>("api/v1/audit/retention", Json.Options))!.HotLogStartsAfter?.Sequence ?? 0;
        var cutOff = DateTimeOffset.UtcNow;
        var recent = await RecordAnchoredAsync(3, "recent");

        var (archive, file) = await ArchiveAsync(cutOff);

        // Everything before the cut-off left the hot store, whole batches of it; the recent entries stayed.
        Assert.Equal("archived", archive.Kind);
        Assert.Equal(startsAfter + 1, archive.FirstSequence);
        Assert.True(File.Exists(file));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"api/v1/audit/entries/{old[0]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"api/v1/audit/entries/{recent[^1]}")).StatusCode);
        Assert.Equal(archive.RetainedUntil, archive.NewestEntry.AddYears(7));
        await WaitEverythingAnchoredAsync(); // the audit.archived entry

        // The archive against the chain alone: the roots come from the chain's endpoint, the server is not asked.
        var ledger = await server.Client.GetFromJsonAsync<JsonElement>("api/v1/ledger");
        var rpc = ledger.GetProperty("rpcUrl").GetString()!;
        var contract = ledger.GetProperty("auditAnchorAddress").GetString()!;
        var verified = await AuditVerifyTests.RunCliAsync("audit", "verify", "--archive", file, "--rpc-url", rpc, "--contract", contract,
            "--server", "http://127.0.0.1:9/");
        Assert.True(verified.ExitCode == 0, verified.Output + verified.Error);
        Assert.Contains($"Archive {archive.Id} verified: {archive.Entries} entries", verified.Output, StringComparison.Ordinal);

        // What remains verifies, and its first entry is checked against the last one archived.
        var all = await AuditVerifyTests.RunCliAsync("audit", "verify", "--all", "--server", Server);
        Assert.True(all.ExitCode == 0, all.Output + all.Error);
        Assert.Contains($"continues from sequence {archive.LastSequence} (archived)", all.Output, StringComparison.Ordinal);

        // A second archive takes the rest and links to the first through the last archived entry's proof; the sealer then
        // continues the hash chain from the archive, not from genesis, and the whole remaining log still verifies.
        var (second, secondFile) = await ArchiveAsync(DateTimeOffset.UtcNow);
        Assert.Equal(archive.LastSequence + 1, second.FirstSequence);
        var secondVerified = await AuditVerifyTests.RunCliAsync("audit", "verify", "--archive", secondFile, "--server", Server);
        Assert.True(secondVerified.ExitCode == 0, secondVerified.Output + secondVerified.Error);
        Assert.Contains($"links to sequence {archive.LastSequence} before it", secondVerified.Output, StringComparison.Ordinal);
        var after = await RecordAnchoredAsync(2, "after");
        var entry = await server.Client.GetFromJsonAsync<AuditEntryResponse>($"api/v1/audit/entries/{after[^1]}", Json.Options);
        Assert.True(entry!.Seal!.Sequence > second.LastSequence);
        var again = await AuditVerifyTests.RunCliAsync("audit", "verify", "--all", "--server", Server, "--output", "json");
        Assert.True(again.ExitCode == 0, again.Output + again.Error);

        var status = await server.Client.GetFromJsonAsync<RetentionStatusResponse>("api/v1/audit/retention", Json.Options);
        Assert.Equal([archive.Id, second.Id], status!.Archives.Select(a => a.Id).TakeLast(2));
        Assert.Equal(second.LastSequence, status.HotLogStartsAfter!.Sequence);
        Assert.Equal(7, Assert.Single(status.Policies).Years);
    }

    [Fact]
    public async Task A_changed_archive_file_fails_verification_naming_the_entry()
    {
        await RecordAnchoredAsync(5, "tamper");
        var (archive, file) = await ArchiveAsync(DateTimeOffset.UtcNow);
        var text = await File.ReadAllTextAsync(file);
        await File.WriteAllTextAsync(file, text.Replace("\"subject\":\"tamper-2\"", "\"subject\":\"forged\"", StringComparison.Ordinal));

        var failed = await AuditVerifyTests.RunCliAsync("audit", "verify", "--archive", file, "--server", Server, "--output", "json");

        Assert.True(failed.ExitCode == 1, failed.Output + failed.Error);
        using var report = JsonDocument.Parse(failed.Output);
        Assert.Contains(report.RootElement.GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("entry changed", StringComparison.Ordinal));
        Assert.True(archive.Entries >= 5);
    }

    [Fact]
    public async Task Deleting_entries_before_their_retention_ends_is_refused_and_nothing_is_deleted()
    {
        var ids = await RecordAnchoredAsync(2, "kept");
        var before = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

        using var refused = await server.Client.DeleteAsync($"api/v1/audit/entries?before={Uri.EscapeDataString(before)}");
        var cli = await AuditVerifyTests.RunCliAsync("audit", "delete", "--before", before, "--server", Server);
        using var missing = await server.Client.DeleteAsync("api/v1/audit/entries");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        var message = problem.GetProperty("errors").GetProperty("before")[0].GetString()!;
        Assert.Contains("retained for 7 years", message, StringComparison.Ordinal);
        Assert.Contains("archive it instead", message, StringComparison.Ordinal);
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("retained for 7 years", cli.Error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("before", out _));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"api/v1/audit/entries/{ids[0]}")).StatusCode);
    }
}
