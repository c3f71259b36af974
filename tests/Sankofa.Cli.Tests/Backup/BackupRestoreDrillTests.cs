using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Core.Audit;
using Sankofa.Cli.Tests.Audit;
using Sankofa.Server.Audit;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Cli.Tests.Backup;

/// <summary>
/// The restore drill, with real processes: a server under audit load is backed up mid-load with <c>sankofa backup
/// create</c>, keeps taking load, is killed with SIGKILL and its data directory destroyed, then restored with
/// <c>sankofa backup restore</c> and started again. The chain (an anvil of its own, standing for the Besu network that
/// outlives one machine) keeps what was anchored after the backup: the restored server must report it, seal nothing
/// under those batch ids, and pass <c>sankofa audit verify --all</c>. RPO and RTO are printed (docs/operations.md), not asserted.
/// </summary>
[Collection(RestoreDrills.Name)]
public sealed class BackupRestoreDrillTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-drill-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task A_restored_data_directory_reports_what_the_chain_has_beyond_it_records_nothing_twice_and_verifies()
    {
        await using var anvil = await ExternalAnvil.StartAsync(directory.FullName);
        var data = Path.Combine(directory.FullName, "data");
        var archive = Path.Combine(directory.FullName, "backup.tar.gz");
        await RunDrillAsync("sqlite", expectChainAhead: true, data, Settings(anvil),
            backup: async () =>
            {
                var created = await AuditVerifyTests.RunCliAsync("backup", "create", "--data-dir", data, "--out", archive, "--output", "json");
                Assert.True(created.ExitCode == 0, created.Output + created.Error);
                using var manifest = JsonDocument.Parse(created.Output);
                var files = manifest.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).ToList();
                Assert.Contains("sankofa.db", files);
                Assert.Contains("ledger/signer.keystore.json", files);
                Assert.StartsWith("none: the chain is external", manifest.RootElement.GetProperty("chainState").GetString(), StringComparison.Ordinal);
            },
            destroy: () =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(data, recursive: true);
                return Task.CompletedTask;
            },
            restore: async () =>
            {
                var restored = await AuditVerifyTests.RunCliAsync("backup", "restore", "--data-dir", data, "--from", archive);
                Assert.True(restored.ExitCode == 0, restored.Output + restored.Error);
                if (!OperatingSystem.IsWindows())
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
                }
            });
    }

    [Fact]
    public async Task A_database_restored_from_a_base_backup_and_its_wal_archive_reports_what_the_chain_has_beyond_it_and_verifies()
    {
        await using var anvil = await ExternalAnvil.StartAsync(directory.FullName);
        await using var cluster = await ArchivingCluster.StartAsync(directory.FullName);
        var settings = Settings(anvil);
        settings["Store:Provider"] = "postgres";
        settings["Store:ConnectionString"] = cluster.ConnectionString;
        await RunDrillAsync("postgres", expectChainAhead: false, Path.Combine(directory.FullName, "data"), settings,
            backup: cluster.BaseBackupAsync,
            destroy: cluster.DestroyAsync,
            restore: cluster.RestoreToLatestAsync);
    }

    private static Dictionary<string, string> Settings(ExternalAnvil anvil) => new()
    {
        ["Ledger:RpcUrl"] = anvil.RpcUrl.ToString(),
        ["Ledger:KeyPassword"] = "drill-test-password",
        ["Audit:BatchSize"] = "25",
    };

    /// <summary>
    /// Load, a backup mid-load, more load (anchored), SIGKILL, the store destroyed, restored, the server started again;
    /// then what a user would check: nothing accepted before the backup lost, nothing recorded twice, what the chain holds
    /// beyond the store reported and its batch ids never reused, verify --all passing. Prints RPO and RTO.
    /// </summary>
    private static async Task RunDrillAsync(
        string store, bool expectChainAhead, string data, Dictionary<string, string> settings, Func<Task> backup, Func<Task> destroy, Func<Task> restore)
    {
        var first = await ServerProcess.StartAsync(data, settings: settings);
        var port = first.Port;
        var accepted = new ConcurrentDictionary<string, DateTimeOffset>();
        using var stopLoad = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() => WriteAsync(first.Address, w, accepted, stopLoad.Token))).ToArray();

        await WaitAcceptedAsync(accepted, 200, writers);
        var acceptedBeforeBackup = accepted.Keys.ToHashSet();
        var backupTook = Stopwatch.StartNew();
        await backup();
        backupTook.Stop();

        // Load goes on after the backup; what was anchored by the crash is on chain, beyond the backup.
        await WaitAcceptedAsync(accepted, accepted.Count + 200, writers);
        var newest = await NewestIdAsync(first.Client);
        await ChainAudit.WaitAllAnchoredAsync(first.Client, [newest], TimeSpan.FromSeconds(60));
        await first.KillAsync();
        await stopLoad.CancelAsync();
        await Task.WhenAll(writers);
        await first.DisposeAsync();
        await destroy();

        var restoreStarted = Stopwatch.StartNew();
        await restore();
        var restoreTook = restoreStarted.Elapsed;
        await using var second = await ServerProcess.StartAsync(data, port, settings);
        var ready = restoreStarted.Elapsed;
        var gaps = await WaitChainCheckedAsync(second);
        var compared = restoreStarted.Elapsed;
        // Every worker back: a new entry is sealed under a fresh batch id and anchored.
        var probe = await second.Client.PostAsJsonAsync("api/v1/audit/entries", new { action = "drill.restored", subject = "drill", payload = new { } });
        Assert.Equal(HttpStatusCode.Created, probe.StatusCode);
        var probeId = (await probe.Content.ReadFromJsonAsync<AuditEntryResponse>(Json.Options))!.Id;
        await WaitAnchoredAsync(second.Client, probeId);
        var rto = restoreStarted.Elapsed;
        var chain = await ChainAudit.WaitAllAnchoredAsync(second.Client, [probeId], TimeSpan.FromSeconds(120));

        // With SQLite the backup is a point in time, and the chain has batches beyond it; PostgreSQL replays its WAL
        // archive up to seconds before the loss, so the chain may hold nothing beyond the restored database.
        Assert.True(gaps.Count <= 1, $"{gaps.Count} chain gaps after one restore");
        var gap = gaps.SingleOrDefault();
        if (expectChainAhead)
        {
            Assert.True(gap is { Entries: > 0 }, "the chain's batches beyond the backup were not found");
        }

        Assert.True(chain.Single(e => e.Id == probeId).Seal!.BatchId > (gap?.LastBatchId ?? 0), "a batch was sealed under an id the chain already holds");
        var subjects = chain.Where(e => e.Action == "drill.recorded").Select(e => e.Subject).ToList();
        Assert.Equal(subjects.Count, subjects.Distinct().Count()); // nothing recorded twice
        Assert.Superset(acceptedBeforeBackup, subjects.ToHashSet()); // everything accepted before the backup is there
        var lost = accepted.Where(a => !subjects.Contains(a.Key)).Select(a => a.Value).Order().ToList();
        // The chain's batches beyond the store hold the entries lost, plus at most Resealed entries the store still had
        // unsealed (accepted before the backup, sealed after it), which are sealed again and so are not lost.
        var lostOnChain = gap is null ? 0 : gap.Entries - gap.Resealed;
        Assert.True(lost.Count >= lostOnChain, $"{lost.Count} entries lost, but the chain holds {gap?.Entries} beyond the store, {gap?.Resealed} of them resealed");
        Assert.Empty(await ChainAudit.VerifyAsync(second.Client, chain));

        await CliConfig.SignInAsAdministratorAsync(second.Address);
        var verified = await AuditVerifyTests.RunCliAsync("audit", "verify", "--all", "--server", second.Address.ToString());
        Assert.True(verified.ExitCode == 0, verified.Output + verified.Error);
        if (gap is not null)
        {
            Assert.Contains($"batches {gap.FirstBatchId}..{gap.LastBatchId}", verified.Output, StringComparison.Ordinal);
        }

        var span = lost.Count == 0 ? TimeSpan.Zero : lost[^1] - lost[0];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"drill ({store}): {accepted.Count} entries accepted, backup took {backupTook.Elapsed.TotalSeconds:F1} s under load; RPO {lost.Count} entries lost over {span.TotalSeconds:F1} s "
            + $"({lostOnChain} of them in {gap?.Batches ?? 0} batches on chain beyond the store, reported, with {gap?.Resealed ?? 0} entries the store still held); RTO {rto.TotalSeconds:F1} s "
            + $"(restore {restoreTook.TotalSeconds:F1} s, /readyz at {ready.TotalSeconds:F1} s, chain compared at {compared.TotalSeconds:F1} s, a new entry anchored at {rto.TotalSeconds:F1} s)"));
    }

    // One entry and its batch per look: the RTO's end is not to wait on the whole-chain listing (hundreds of requests).
    private static async Task WaitAnchoredAsync(HttpClient client, long id)
    {
        for (var deadline = DateTime.UtcNow.AddMinutes(2); ; await Task.Delay(50))
        {
            var entry = (await client.GetFromJsonAsync<AuditEntryResponse>($"api/v1/audit/entries/{id}", Json.Options))!;
            if (entry.Seal is { } seal
                && (await client.GetFromJsonAsync<AuditBatchResponse>($"api/v1/audit/batches/{seal.BatchId}", Json.Options))!.Anchor is not null)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Entry {id} was not sealed and anchored within 2 minutes of the restart.");
            }
        }
    }

    private static async Task WriteAsync(Uri server, int writer, ConcurrentDictionary<string, DateTimeOffset> accepted, CancellationToken stop)
    {
        using var client = AdminToken.Client(server, TimeSpan.FromSeconds(10));
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var subject = $"drill-{writer}-{i}";
            try
            {
                using var response = await client.PostAsJsonAsync("api/v1/audit/entries", new { action = "drill.recorded", subject, payload = new { writer, i } }, stop);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    return;
                }

                accepted[subject] = DateTimeOffset.UtcNow;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                return; // the server is gone: whatever was not answered 201 was not accepted
            }
        }
    }

    private static async Task WaitAcceptedAsync(ConcurrentDictionary<string, DateTimeOffset> accepted, int count, Task[] writers)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (accepted.Count < count && DateTime.UtcNow < deadline && writers.Any(w => !w.IsCompleted))
        {
            await Task.Delay(20);
        }

        Assert.True(accepted.Count >= count, $"only {accepted.Count} entries accepted");
    }

    private static async Task<long> NewestIdAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<AuditPageResponse>("api/v1/audit/entries?limit=1", Json.Options))!.Items[0].Id;

    private static async Task<IReadOnlyList<AuditChainGap>> WaitChainCheckedAsync(ServerProcess server)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            using var ready = await server.Anonymous.GetAsync("readyz");
            var report = await ready.Content.ReadFromJsonAsync<Sankofa.Server.Hosting.HealthReport>(Json.Options);
            if (ready.StatusCode == HttpStatusCode.OK && report!.Audit!.StartsWith("ok", StringComparison.Ordinal))
            {
                return (await server.Client.GetFromJsonAsync<List<AuditChainGap>>("api/v1/audit/chain-gaps", Json.Options))!;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not ready: {report?.Status}, audit {report?.Audit}");
            await Task.Delay(100);
        }
    }
}
