using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Sankofa.Core.Audit;
using Sankofa.Cli.Tests.Audit;
using Sankofa.Server.Audit;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Cli.Tests.Backup;

/// <summary>
/// deploy/postgres/ as an operator installs it, run: PostgreSQL archiving through pgBackRest (Debian's package), the
/// stanza created and checked, a full backup, a server writing audit entries, the data directory destroyed, and the
/// restore procedure of docs/operations.md, to the end of the archive and then to a point in time. The chain (an anvil
/// of its own, standing for the Besu network that outlives the database) keeps what the point-in-time restore drops.
/// </summary>
[Collection(RestoreDrills.Name)]
public sealed class PgBackRestTests : IDisposable
{
    private const string Action = "pgbackrest.recorded";
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-pgbackrest-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task A_database_restored_by_pgbackrest_to_its_last_archived_wal_or_a_point_in_time_holds_what_was_committed_by_then_and_verifies()
    {
        await using var anvil = await ExternalAnvil.StartAsync(directory.FullName);
        var clock = Stopwatch.StartNew();
        await using var cluster = await PgBackRestCluster.StartAsync(directory.FullName);
        var setUp = clock.Elapsed;
        await cluster.PgBackRestAsync("--type=full", "backup");
        var backup = clock.Elapsed - setUp;
        var info = await cluster.PgBackRestAsync("info");
        Assert.Contains("full backup:", info, StringComparison.Ordinal);
        Assert.Contains("cipher: aes-256-cbc", info, StringComparison.Ordinal);

        // Everything the server writes comes after the backup: the restores below replay it from the WAL archive alone.
        var data = Path.Combine(directory.FullName, "data");
        var settings = new Dictionary<string, string>
        {
            ["Ledger:RpcUrl"] = anvil.RpcUrl.ToString(),
            ["Ledger:KeyPassword"] = "pgbackrest-test-password",
            ["Audit:BatchSize"] = "25",
            ["Store:Provider"] = "postgres",
            ["Store:ConnectionString"] = cluster.ConnectionString,
        };
        var first = await ServerProcess.StartAsync(data, settings: settings);
        var port = first.Port;
        var beforeTarget = await AppendAsync(first.Client, "before", 25);
        var target = PointInTimeAfterNow(); // every entry above was committed before it, every entry below after it
        var afterTarget = await AppendAsync(first.Client, "after", 25);
        var newest = (await first.Client.GetFromJsonAsync<AuditPageResponse>("api/v1/audit/entries?limit=1", Json.Options))!.Items[0].Id;
        await ChainAudit.WaitAllAnchoredAsync(first.Client, [newest], TimeSpan.FromSeconds(60));
        var checkStarted = clock.Elapsed;
        await cluster.ArchiveAsync();
        var check = clock.Elapsed - checkStarted;
        await first.KillAsync();
        await first.DisposeAsync();

        // Latest: the full backup and every archived segment. Everything accepted (and anchored) before the last archived
        // WAL is there, so the chain holds nothing beyond the store.
        await cluster.DestroyAsync();
        var restoreStarted = clock.Elapsed;
        await cluster.RestoreAsync();
        var restoreLatest = clock.Elapsed - restoreStarted;
        await using (var latest = await ServerProcess.StartAsync(data, port, settings))
        {
            var (subjects, gaps) = await CheckRestoredAsync(latest);
            Assert.Equal(beforeTarget.Concat(afterTarget).Order(), subjects.Order());
            Assert.Empty(gaps);
            await latest.KillAsync();
        }

        // Point in time: the same backup replayed up to the target (the timeline the latest restore started is followed
        // only beyond it). The entries after it are gone from the store but anchored on chain: reported, never reused.
        await cluster.DestroyAsync();
        restoreStarted = clock.Elapsed;
        await cluster.RestoreAsync("--type=time", "--target=" + target.ToString("yyyy-MM-dd HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture), "--target-action=promote");
        var restorePointInTime = clock.Elapsed - restoreStarted;
        await using var pointInTime = await ServerProcess.StartAsync(data, port, settings);
        var (restored, chainGaps) = await CheckRestoredAsync(pointInTime);
        Assert.Equal(beforeTarget.Order(), restored.Order());
        var gap = Assert.Single(chainGaps);
        Assert.True(gap.Entries >= afterTarget.Count, $"the chain holds {gap.Entries} entries beyond the restored store, fewer than the {afterTarget.Count} dropped");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pgBackRest: cluster, stanza-create and check {setUp.TotalSeconds:F1} s; full backup {backup.TotalSeconds:F1} s; check (WAL switch archived) {check.TotalSeconds:F1} s; "
            + $"restore to the last archived WAL until promoted {restoreLatest.TotalSeconds:F1} s; to a point in time {restorePointInTime.TotalSeconds:F1} s "
            + $"({gap.Entries} entries in {gap.Batches} batches on chain beyond it, reported); whole test {clock.Elapsed.TotalSeconds:F1} s"));
    }

    private static async Task<List<string>> AppendAsync(HttpClient client, string phase, int count)
    {
        var subjects = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var subject = $"{phase}-{i}";
            using var response = await client.PostAsJsonAsync("api/v1/audit/entries", new { action = Action, subject, payload = new { phase, i } });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            subjects.Add(subject);
        }

        return subjects;
    }

    /// <summary>Now rounded up to PostgreSQL's microsecond, returned once the clock has passed it.</summary>
    private static DateTimeOffset PointInTimeAfterNow()
    {
        var now = DateTimeOffset.UtcNow;
        var target = new DateTimeOffset((now.Ticks + 9) / 10 * 10, TimeSpan.Zero);
        while (DateTimeOffset.UtcNow <= target)
        {
            Thread.SpinWait(100);
        }

        return target;
    }

    /// <summary>
    /// What an operator checks after a restore: /readyz with the store compared against the chain, a new entry sealed
    /// and anchored under a batch id the chain does not already hold, every entry verified against the chain once, and
    /// <c>sankofa audit verify --all</c> passing. Returns the subjects of the test's entries in the store and the chain gaps.
    /// </summary>
    private static async Task<(List<string> Subjects, List<AuditChainGap> Gaps)> CheckRestoredAsync(ServerProcess server)
    {
        List<AuditChainGap> gaps;
        for (var deadline = DateTime.UtcNow.AddMinutes(2); ; await Task.Delay(100))
        {
            using var ready = await server.Anonymous.GetAsync("readyz");
            var report = await ready.Content.ReadFromJsonAsync<Sankofa.Server.Hosting.HealthReport>(Json.Options);
            if (ready.StatusCode == HttpStatusCode.OK && report!.Audit!.StartsWith("ok", StringComparison.Ordinal))
            {
                gaps = (await server.Client.GetFromJsonAsync<List<AuditChainGap>>("api/v1/audit/chain-gaps", Json.Options))!;
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not ready: {report?.Status}, audit {report?.Audit}");
        }

        var probe = await server.Client.PostAsJsonAsync("api/v1/audit/entries", new { action = "pgbackrest.restored", subject = "probe", payload = new { } });
        Assert.Equal(HttpStatusCode.Created, probe.StatusCode);
        var probeId = (await probe.Content.ReadFromJsonAsync<AuditEntryResponse>(Json.Options))!.Id;
        var chain = await ChainAudit.WaitAllAnchoredAsync(server.Client, [probeId], TimeSpan.FromSeconds(120));
        Assert.True(chain.Single(e => e.Id == probeId).Seal!.BatchId > gaps.Select(g => g.LastBatchId).DefaultIfEmpty(0).Max(), "a batch was sealed under an id the chain already holds");
        Assert.Empty(await ChainAudit.VerifyAsync(server.Client, chain));

        await CliConfig.SignInAsAdministratorAsync(server.Address);
        var verified = await AuditVerifyTests.RunCliAsync("audit", "verify", "--all", "--server", server.Address.ToString());
        Assert.True(verified.ExitCode == 0, verified.Output + verified.Error);
        var subjects = chain.Where(e => e.Action == Action).Select(e => e.Subject).ToList();
        Assert.Equal(subjects.Count, subjects.Distinct().Count()); // nothing recorded twice
        return (subjects, gaps);
    }
}
