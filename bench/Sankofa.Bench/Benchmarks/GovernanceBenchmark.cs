using System.Diagnostics;
using System.Text;
using Nethereum.Contracts;
using Nethereum.Util;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Bench.Harness;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Governance;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// What a board decision costs (issue 14): a board of three (k = 2, a zero delay, as in a test configuration) decides one
/// role grant on ResourceRegistry, from the proposal to its execution: transactions, gas and wall time per decision.
/// Baseline: the same grant made directly by a key holding the admin role (one transaction), in the same run.
/// Then how fast the control plane notices an emergency pause: with transitions streaming to ResourceRegistry, a member
/// pauses it; measured are the blocks between the pause and the control plane's last transaction to the paused registry
/// (goal ≤ 1), its transactions the pause reverted, and the time from the pause vote to the first transition held,
/// against a transition's own latency in the same run.
/// </summary>
internal static class GovernanceBenchmark
{
    public static async Task RunAsync(int decisions, CancellationToken cancellationToken)
    {
        Report.Section($"Governance: {decisions} board decisions (propose, approve, execute; k = 2 of 3, zero delay) against direct grants");
        var directory = Scratch.NewDirectory("governance");
        await using var host = await LedgerOnlyHost.StartAsync(directory).ConfigureAwait(false);
        var connection = host.Connection;
        var keys = new[] { SigningKey.Generate(), SigningKey.Generate(), SigningKey.Generate() };
        foreach (var key in keys)
        {
            await connection.Rpc.CallAsync("anvil_setBalance", cancellationToken, key.Address, "0x56BC75E2D63100000").ConfigureAwait(false);
        }

        var board = await BoardDeployment.DeployAsync(connection, [.. keys.Select(k => k.Address)], 2, 1, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        var admin = await connection.Gateway.SendAsync(new TransactionRequest("bench:timelock-admin", connection.ResourceRegistryAddress,
            new GrantRoleFunction { Role = BoardDeployment.AdminRole, Account = board.Timelock }.GetCallData(), 100_000), cancellationToken).ConfigureAwait(false);
        if (!admin.Succeeded)
        {
            throw new InvalidOperationException("Giving the timelock the registry's admin role failed.");
        }

        var members = keys.Select(k => new BoardMember(connection.Rpc, connection.ChainId, k, board.Board)).ToArray();
        var role = Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes("CONTROL_PLANE_ROLE"));
        var boardGas = new List<long>();
        var boardTime = new List<double>();
        var directGas = new List<long>();
        var directTime = new List<double>();
        for (var i = 0; i < decisions; i++)
        {
            var grant = new GrantRoleFunction { Role = role, Account = SigningKey.Generate().Address }.GetCallData();
            var clock = Stopwatch.StartNew();
            var (id, proposed) = await members[0].ProposeAsync([new BoardCall(connection.ResourceRegistryAddress, grant)], $"Grant a region's key, decision {i}", cancellationToken)
                .ConfigureAwait(false);
            var hashes = new List<string> { proposed };
            hashes.Add(await members[1].ApproveAsync(id, cancellationToken).ConfigureAwait(false));
            hashes.Add(await members[2].ExecuteAsync(id, cancellationToken).ConfigureAwait(false));
            boardTime.Add(clock.Elapsed.TotalMilliseconds);
            boardGas.Add(await GasAsync(connection, hashes, cancellationToken).ConfigureAwait(false));

            var direct = new GrantRoleFunction { Role = role, Account = SigningKey.Generate().Address }.GetCallData();
            clock.Restart();
            var receipt = await connection.Gateway.SendAsync(new TransactionRequest($"bench:direct-grant:{i}", connection.ResourceRegistryAddress, direct, 100_000), cancellationToken)
                .ConfigureAwait(false);
            directTime.Add(clock.Elapsed.TotalMilliseconds);
            directGas.Add(await GasAsync(connection, [receipt.TransactionHash], cancellationToken).ConfigureAwait(false));
        }

        Report.Note($"board {board.Board}, timelock {board.Timelock}; each decision: propose (member 1), approve (member 2: schedules in the timelock), execute (member 3)");
        Report.Add(new Figure("governance: transactions per decision", 3, "tx", 1, "a direct grant by an admin key", null, GoalKind.AtMost));
        Report.Add(new Figure("governance: gas per decision (median)", Median(boardGas), "gas", Median(directGas), "a direct grant by an admin key", null, GoalKind.AtMost));
        Report.Add(new Figure("governance: proposal to execution, zero delay (median)", Median(boardTime), "ms", Median(directTime), "a direct grant by an admin key", null, GoalKind.AtMost));
        await MeasurePauseAsync(host, board, members[0], cancellationToken).ConfigureAwait(false);
        foreach (var key in keys)
        {
            key.Dispose();
        }
    }

    private static async Task MeasurePauseAsync(LedgerOnlyHost host, BoardAddresses board, BoardMember member, CancellationToken cancellationToken)
    {
        var connection = host.Connection;
        var registry = connection.ResourceRegistryAddress;
        var granted = await connection.Gateway.SendAsync(new TransactionRequest("bench:board-pauser", registry,
            new GrantRoleFunction { Role = BoardDeployment.PauserRole, Account = board.Board }.GetCallData(), 100_000), cancellationToken).ConfigureAwait(false);
        if (!granted.Succeeded)
        {
            throw new InvalidOperationException("Giving the board the registry's pauser role failed.");
        }

        // Sixteen writers keep transitions streaming, as a busy control plane would.
        var ledger = host.Services.GetRequiredService<IResourceLedger>();
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var held = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var spec = System.Security.Cryptography.SHA256.HashData("bench-pause"u8);
        var writers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    await ledger.RecordRequestedAsync($"bench-pause-{w}-{i}", spec, stop.Token).ConfigureAwait(false);
                    if (!held.Task.IsCompleted)
                    {
                        latencies.Add(clock.Elapsed.TotalMilliseconds);
                    }
                }
                catch (LedgerUnavailableException)
                {
                    held.TrySetResult(Stopwatch.GetTimestamp());
                    await Task.Delay(5, CancellationToken.None).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        var voted = Stopwatch.GetTimestamp();
        var pause = await member.EmergencyPauseAsync(registry, cancellationToken).ConfigureAwait(false);
        var notice = Stopwatch.GetElapsedTime(voted, await held.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false)).TotalMilliseconds;
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(writers).ConfigureAwait(false);

        // Every transaction the control plane's key sent to the registry from the pause's block on.
        var pausedIn = Hex.ToLong((await connection.Rpc.CallAsync("eth_getTransactionReceipt", cancellationToken, pause).ConfigureAwait(false)).GetProperty("blockNumber"));
        var latest = Hex.ToLong(await connection.Rpc.CallAsync("eth_blockNumber", cancellationToken).ConfigureAwait(false));
        var (last, reverted) = (pausedIn, 0);
        for (var block = pausedIn; block <= latest; block++)
        {
            var body = await connection.Rpc.CallAsync("eth_getBlockByNumber", cancellationToken, Hex.Quantity(block), true).ConfigureAwait(false);
            foreach (var tx in body.GetProperty("transactions").EnumerateArray())
            {
                if (string.Equals(tx.GetProperty("from").GetString(), connection.SignerAddress, StringComparison.OrdinalIgnoreCase)
                    && string.Equals(tx.GetProperty("to").GetString(), registry, StringComparison.OrdinalIgnoreCase))
                {
                    last = block;
                    var receipt = await connection.Rpc.CallAsync("eth_getTransactionReceipt", cancellationToken, tx.GetProperty("hash").GetString()).ConfigureAwait(false);
                    reverted += receipt.GetProperty("status").GetString() == "0x0" ? 1 : 0;
                }
            }
        }

        Report.Note($"pause in block {pausedIn}; {latencies.Count} transitions recorded before it; blocks {pausedIn}..{latest} scanned for the control plane's transactions to the registry");
        Report.Add(new Figure("governance: blocks from a pause to the control plane's last transaction to the paused registry", last - pausedIn, "blocks", null, null, 1, GoalKind.AtMost));
        Report.Add(new Figure("governance: control-plane transactions the pause reverted", reverted, "tx", null, null, null, GoalKind.AtMost));
        Report.Add(new Figure("governance: pause vote sent to the first transition held", notice, "ms", Median(latencies.ToList()), "a transition's latency before the pause (median)", null, GoalKind.AtMost));
    }

    private static async Task<long> GasAsync(LedgerConnection connection, IEnumerable<string> hashes, CancellationToken cancellationToken)
    {
        var total = 0L;
        foreach (var hash in hashes)
        {
            var receipt = await connection.Rpc.CallAsync("eth_getTransactionReceipt", cancellationToken, hash).ConfigureAwait(false);
            total += Hex.ToLong(receipt.GetProperty("gasUsed"));
        }

        return total;
    }

    private static double Median(IReadOnlyList<long> values) => Median(values.Select(v => (double)v).ToList());

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }
}
