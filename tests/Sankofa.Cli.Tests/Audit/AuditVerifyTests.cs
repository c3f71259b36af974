using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sankofa.Cli.Api;
using Sankofa.Cli.Audit;
using Sankofa.Core.Audit;
using Sankofa.Server.Audit;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Cli.Tests.Audit;

/// <summary>
/// `sankofa audit verify` against a real server and chain, after changing the server's database behind its back:
/// every kind of tampering must be caught and named, because the roots come from the chain, not the server.
/// </summary>
public sealed class AuditVerifyTests : IAsyncLifetime
{
    private TestServer server = null!;
    private readonly List<long> ids = [];

    public async Task InitializeAsync()
    {
        // Small batches so the log spans several roots.
        server = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["Audit:BatchSize"] = "4" });
        // The first administrator's and the bootstrap client's registrations on chain write audit entries of their own:
        // let them finish, so the count below is exact.
        await CliConfig.SignInAsAdministratorAsync(server.Address);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await server.Client.GetFromJsonAsync<JsonElement>("api/v1/identities")).GetProperty("items").EnumerateArray()
               .Any(i => i.GetProperty("chain").GetProperty("pending").GetInt32() > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        for (var i = 0; i < 10; i++)
        {
            ids.Add((await server.RecordAsync("alice", "test.recorded", "thing-" + i, new { i })).Id);
        }

        foreach (var id in ids)
        {
            await server.WaitAnchoredAsync(id);
        }
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task<VerificationReport> VerifyAsync(long? id = null)
    {
        using var api = SankofaApiClient.Create(server.Address);
        using var chain = await ChainSource.OpenAsync(api, null, null, CancellationToken.None);
        var verifier = new AuditLogVerifier(api, chain);
        return id is { } one ? await verifier.VerifyEntryAsync(one, CancellationToken.None) : await verifier.VerifyAllAsync(CancellationToken.None);
    }

    private async Task<long> BatchOfAsync(long id) =>
        (await server.Client.GetFromJsonAsync<AuditEntryResponse>($"api/v1/audit/entries/{id}", Json.Options))!.Seal!.BatchId;

    private async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "sankofa.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.True(await command.ExecuteNonQueryAsync() > 0, "the tampering statement changed nothing: " + sql);
    }

    [Fact]
    public async Task An_untouched_log_verifies_entry_by_entry_and_as_a_whole()
    {
        Assert.Equal(AuditVerificationStatus.Verified, (await VerifyAsync(ids[3])).Status);

        var all = await VerifyAsync();
        Assert.Equal(AuditVerificationStatus.Verified, all.Status);
        // The 10 recorded here; of the first start: the key creation, five contract deployments, and for each of the first
        // administrator and the tests' bootstrap client its creation and two steps recorded on chain (registration,
        // platform-admin grant).
        Assert.Equal(22, all.EntriesChecked);
        // Batches form as entries arrive, so there are at least ceil(10 / 4) of them.
        Assert.True(all.BatchesChecked >= 3, $"{all.BatchesChecked} batches");
        Assert.Empty(all.Problems);
    }

    [Fact]
    public async Task A_changed_entry_is_caught_and_named()
    {
        await ExecuteSqlAsync($"UPDATE audit_entries SET actor = 'mallory' WHERE id = {ids[5]}");

        var one = await VerifyAsync(ids[5]);
        var all = await VerifyAsync();

        Assert.Equal(AuditVerificationStatus.Failed, one.Status);
        Assert.Contains(one.Problems, p => p.Contains($"entry {ids[5]}", StringComparison.Ordinal) && p.Contains("entry changed", StringComparison.Ordinal));
        Assert.Equal(AuditVerificationStatus.Failed, all.Status);
        Assert.Contains(all.Problems, p => p.Contains($"entry {ids[5]}", StringComparison.Ordinal));
        Assert.DoesNotContain(all.Problems, p => p.Contains($"entry {ids[0]} ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_changed_entry_with_its_stored_hash_recomputed_is_still_caught_by_the_chain()
    {
        // The forger rewrites the entry and its proof-leaf consistently in the database; only the on-chain root can tell.
        await ExecuteSqlAsync($"UPDATE audit_entries SET subject = 'forged' WHERE id = {ids[2]}");
        await ExecuteSqlAsync($"UPDATE audit_seals SET hash = zeroblob(32) WHERE entry_id = {ids[2]}");

        var one = await VerifyAsync(ids[2]);

        Assert.Equal(AuditVerificationStatus.Failed, one.Status);
        Assert.Contains(one.Problems, p => p.Contains("on-chain root", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_changed_proof_is_caught_and_named()
    {
        var batchId = await BatchOfAsync(ids[1]);
        // Zeros of the proof's length; an entry alone in its batch has an empty proof, which gets a sibling that is not there.
        await ExecuteSqlAsync($"UPDATE audit_seals SET proof = zeroblob(max(length(proof), 32)) WHERE entry_id = {ids[1]}");

        var one = await VerifyAsync(ids[1]);

        Assert.Equal(AuditVerificationStatus.Failed, one.Status);
        // Named either way: a proof of the right shape no longer leads to the on-chain root, one of the wrong shape is malformed.
        Assert.Contains(one.Problems, p => p.StartsWith($"entry {ids[1]}:", StringComparison.Ordinal)
            && (p.Contains($"on-chain root of batch {batchId}", StringComparison.Ordinal) || p.EndsWith($"is malformed for leaf 0 of 1 in batch {batchId}", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_changed_stored_root_is_caught_and_the_batch_named()
    {
        var batchId = await BatchOfAsync(ids[5]);
        await ExecuteSqlAsync($"UPDATE audit_batches SET root = zeroblob(32) WHERE id = {batchId}");

        var all = await VerifyAsync();

        Assert.Equal(AuditVerificationStatus.Failed, all.Status);
        Assert.Contains(all.Problems, p => p.StartsWith($"batch {batchId}: the stored root differs from the on-chain root", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deleted_entry_breaks_the_chain_and_the_batch_count()
    {
        var batchId = await BatchOfAsync(ids[6]);
        var batchSize = (await server.Client.GetFromJsonAsync<AuditBatchResponse>($"api/v1/audit/batches/{batchId}", Json.Options))!.Count;
        await ExecuteSqlAsync($"DELETE FROM audit_entries WHERE id = {ids[6]}");

        var all = await VerifyAsync();

        Assert.Equal(AuditVerificationStatus.Failed, all.Status);
        Assert.Contains(all.Problems, p => p.Contains("entries missing from the chain", StringComparison.Ordinal));
        if (batchSize > 1)
        {
            // Batches form as entries arrive, so the entry may have been alone in its batch; then only the gap shows.
            Assert.Contains(all.Problems, p => p.StartsWith($"batch {batchId}: the chain records {batchSize} entries but the server returned {batchSize - 1}", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Hiding_the_newest_batch_entirely_is_caught_from_the_chain()
    {
        var lastBatch = await BatchOfAsync(ids[^1]);
        await ExecuteSqlAsync($"DELETE FROM audit_entries WHERE id IN (SELECT entry_id FROM audit_seals WHERE batch_id = {lastBatch})");
        await ExecuteSqlAsync($"DELETE FROM audit_batches WHERE id = {lastBatch}");

        var all = await VerifyAsync();

        Assert.Equal(AuditVerificationStatus.Failed, all.Status);
        Assert.Contains(all.Problems, p => p.StartsWith($"batch {lastBatch} is on chain but the server returned none of its entries", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_command_exits_0_when_verified_and_1_with_the_problem_when_tampered()
    {
        var ok = await RunCliAsync("audit", "verify", ids[4].ToString(System.Globalization.CultureInfo.InvariantCulture), "--server", server.Address.ToString());
        Assert.True(ok.ExitCode == 0, ok.Output + ok.Error);
        Assert.Contains($"Entry {ids[4]} verified", ok.Output, StringComparison.Ordinal);

        await ExecuteSqlAsync($"UPDATE audit_entries SET payload = '{{\"i\":999}}' WHERE id = {ids[4]}");
        var failed = await RunCliAsync("audit", "verify", "--all", "--server", server.Address.ToString(), "--output", "json");
        Assert.True(failed.ExitCode == 1, failed.Output + failed.Error);
        using var report = JsonDocument.Parse(failed.Output);
        Assert.Equal("failed", report.RootElement.GetProperty("status").GetString());
        Assert.Contains(report.RootElement.GetProperty("problems").EnumerateArray(),
            p => p.GetString()!.Contains($"entry {ids[4]}: the payload does not match", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_command_rejects_an_id_together_with_all()
    {
        var result = await RunCliAsync("audit", "verify", "3", "--all", "--server", server.Address.ToString());

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("either an entry id, --all or --archive FILE", result.Error + result.Output, StringComparison.Ordinal);
    }

    internal static async Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "sankofa.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // A deadline against a hung process, not a timing check: verify --all of a large log on a loaded machine is slow.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
