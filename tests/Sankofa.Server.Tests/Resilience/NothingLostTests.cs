using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Sankofa.Server.Audit;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Resilience;

/// <summary>
/// Accepted audit entries survive an unreachable chain, a server killed with SIGKILL under load, and a chain that lost
/// its state or its last blocks — with real processes, and each entry anchored exactly once in the end.
/// </summary>
public sealed class NothingLostTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-resilience-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    private static Dictionary<string, string?> ExternalChain(ExternalAnvil anvil) => new()
    {
        ["Ledger:RpcUrl"] = anvil.RpcUrl.ToString(),
        ["Ledger:KeyPassword"] = "resilience-test-password",
        ["Ledger:RpcTimeout"] = "00:00:02",
        ["Ledger:ConfirmationTimeout"] = "00:00:05",
        ["Audit:MinRetryDelay"] = "00:00:00.200",
        ["Audit:MaxRetryDelay"] = "00:00:01",
        ["Audit:ReconcileInterval"] = "00:00:01",
    };

    [Fact]
    public async Task While_the_chain_is_unreachable_entries_are_accepted_and_anchoring_drains_when_it_returns()
    {
        await using var anvil = await ExternalAnvil.StartAsync(directory.FullName);
        await using var server = await TestServer.StartAsync(Path.Combine(directory.FullName, "server"), ExternalChain(anvil));
        var before = await server.RecordAsync(payload: new { phase = "before" });
        await server.WaitAnchoredAsync(before.Id);

        await anvil.StopAsync();
        var during = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            during.Add((await server.RecordAsync(payload: new { phase = "during", i })).Id);
        }

        using (var ready = await server.Client.GetAsync("readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        await Task.Delay(TimeSpan.FromSeconds(2)); // several failed anchoring rounds
        var waiting = await server.Client.GetFromJsonAsync<AuditEntryResponse>($"api/v1/audit/entries/{during[^1]}", Json.Options);
        Assert.NotEqual("anchored", waiting!.Status);

        await anvil.RestartAsync();
        var chain = await ChainAudit.WaitAllAnchoredAsync(server.Client, [before.Id, .. during], TimeSpan.FromSeconds(60));

        Assert.Empty(await ChainAudit.VerifyAsync(server.Client, chain));
        Assert.Superset(during.Append(before.Id).ToHashSet(), chain.Select(e => e.Id).ToHashSet());
    }

    [Fact]
    public async Task A_server_killed_under_load_anchors_every_accepted_entry_exactly_once_after_restart()
    {
        var data = Path.Combine(directory.FullName, "server");
        var accepted = new ConcurrentBag<long>();
        var first = await ServerProcess.StartAsync(data);
        var port = first.Port;
        using var stopLoad = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            using var client = AdminToken.Client(first.Address, TimeSpan.FromSeconds(10));
            for (var i = 0; !stopLoad.IsCancellationRequested && i < 100_000; i++)
            {
                try
                {
                    using var response = await client.PostAsJsonAsync("api/v1/audit/entries",
                        new { actor = "load-" + w, action = "load.recorded", subject = "item-" + i, payload = new { w, i } });
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        return;
                    }

                    accepted.Add((await response.Content.ReadFromJsonAsync<AuditEntryResponse>(Json.Options))!.Id);
                }
                catch (HttpRequestException)
                {
                    return; // the server is gone: whatever was not answered 201 was not accepted
                }
                catch (TaskCanceledException)
                {
                    return;
                }
            }
        })).ToArray();

        // Kill once a good number of entries went through (a count, not a time: the machine may be slow), mid-stream.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (accepted.Count < 300 && DateTime.UtcNow < deadline && writers.Any(w => !w.IsCompleted))
        {
            await Task.Delay(20);
        }

        await first.KillAsync();
        await stopLoad.CancelAsync();
        await Task.WhenAll(writers);
        await first.DisposeAsync();
        Assert.True(accepted.Count > 100, $"only {accepted.Count} entries were accepted before the kill");

        await using var second = await ServerProcess.StartAsync(data, port);
        var chain = await ChainAudit.WaitAllAnchoredAsync(second.Client, accepted.ToArray(), TimeSpan.FromSeconds(120));

        Assert.Equal(chain.Count, chain.Select(e => e.Id).Distinct().Count());
        Assert.Superset(accepted.ToHashSet(), chain.Select(e => e.Id).ToHashSet());
        Assert.Empty(await ChainAudit.VerifyAsync(second.Client, chain));
    }

    [Fact]
    public async Task An_embedded_chain_that_lost_its_state_file_gets_every_root_anchored_again()
    {
        var data = Path.Combine(directory.FullName, "server");
        var ids = new List<long>();
        double missingBefore;
        await using (var server = await TestServer.StartAsync(data, new Dictionary<string, string?> { ["Audit:BatchSize"] = "3" }))
        {
            for (var i = 0; i < 10; i++)
            {
                ids.Add((await server.RecordAsync(payload: new { i })).Id);
            }

            await ChainAudit.WaitAllAnchoredAsync(server.Client, ids, TimeSpan.FromSeconds(60));

            // Prometheus series live in the process, so the next in-process server continues this counter.
            missingBefore = await MissingRootsAsync(server.Client);
        }

        File.Delete(Path.Combine(data, "ledger", "anvil-state.json"));

        await using (var server = await TestServer.StartAsync(data, new Dictionary<string, string?> { ["Audit:BatchSize"] = "3" }))
        {
            var chain = await ChainAudit.WaitAllAnchoredAsync(server.Client, ids, TimeSpan.FromSeconds(60));
            var problems = await WaitVerifiedAsync(server.Client, chain);

            Assert.Empty(problems);
            Assert.Superset(ids.ToHashSet(), chain.Select(e => e.Id).ToHashSet());
            Assert.Equal(10, chain.Count(e => e.Action == "ledger.contract.deployed")); // the five contracts, deployed and deployed again
            Assert.True(await MissingRootsAsync(server.Client) > missingBefore, "the anchorer never noticed the lost roots");
        }
    }

    [Fact]
    public async Task A_chain_that_lost_its_last_blocks_gets_the_missing_roots_anchored_again()
    {
        await using var anvil = await ExternalAnvil.StartAsync(directory.FullName);
        await using var server = await TestServer.StartAsync(Path.Combine(directory.FullName, "server"), ExternalChain(anvil));
        var early = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            early.Add((await server.RecordAsync(payload: new { i })).Id);
        }

        await ChainAudit.WaitAllAnchoredAsync(server.Client, early, TimeSpan.FromSeconds(60));
        var snapshot = (await anvil.CallAsync("evm_snapshot")).GetString()!;
        var late = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            late.Add((await server.RecordAsync(payload: new { late = i })).Id);
        }

        await ChainAudit.WaitAllAnchoredAsync(server.Client, late, TimeSpan.FromSeconds(60));

        // The chain forgets the blocks holding the late roots (as after a crash that lost its newest blocks).
        var missingBefore = await MissingRootsAsync(server.Client);
        await anvil.CallAsync("evm_revert", snapshot);

        var chain = await ChainAudit.WaitAllAnchoredAsync(server.Client, [.. early, .. late], TimeSpan.FromSeconds(60));
        Assert.Empty(await WaitVerifiedAsync(server.Client, chain));
        Assert.True(await MissingRootsAsync(server.Client) > missingBefore, "the anchorer never noticed the lost roots");
    }

    private static async Task<double> MissingRootsAsync(HttpClient client)
    {
        var line = (await client.GetStringAsync("metrics")).Split('\n').Single(l => l.StartsWith("sankofa_audit_missing_roots_total ", StringComparison.Ordinal));
        return double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The store may still say "anchored" for a moment before the reconciler notices the loss; wait for the chain to agree.</summary>
    private static async Task<List<string>> WaitVerifiedAsync(HttpClient client, List<AuditEntryResponse> chain)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var problems = await ChainAudit.VerifyAsync(client, chain);
            if (problems.Count == 0 || DateTime.UtcNow > deadline)
            {
                return problems;
            }

            await Task.Delay(250);
        }
    }
}
