using System.Diagnostics;
using System.Text;
using Nethereum.Contracts;
using Nethereum.Util;
using Sankofa.Bench.Harness;
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
        foreach (var key in keys)
        {
            key.Dispose();
        }
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
