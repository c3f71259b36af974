using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Tests;

public sealed class EmbeddedChainTests
{
    [Fact]
    public async Task EmbeddedLedger_RestartWithPersistedState_ReusesTheDeployedContractAndKeepsAnchors()
    {
        using var dir = new TempDirectory();
        string address;
        int pid;
        await using (var first = await LedgerHost.CreateAsync(dir.Path))
        {
            address = first.Connection.AuditAnchorAddress;
            pid = first.Initializer.EmbeddedChain!.ProcessId!.Value;
            await first.Ledger.AnchorAsync([Roots.Request(1)], CancellationToken.None);
            var status = await first.Status.GetStatusAsync(CancellationToken.None);
            Assert.True(status.Embedded);
            Assert.Equal(31337, status.ChainId);
            Assert.Equal(address, status.AuditAnchorAddress);
        }

        Assert.False(IsRunning(pid), "anvil must be stopped when the host stops");
        Assert.True(File.Exists(Path.Combine(dir.LedgerDirectory, "anvil-state.json")));
        Assert.True(File.Exists(Path.Combine(dir.LedgerDirectory, "deployment.json")));

        await using var second = await LedgerHost.CreateAsync(dir.Path);
        Assert.Equal(address, second.Connection.AuditAnchorAddress);
        Assert.Equal(0, second.Recovery.Generation);
        var roots = await second.Ledger.GetRootsAsync([1], CancellationToken.None);
        Assert.Equal(Roots.For(1), roots[1].Root);
    }

    [Fact]
    public async Task EmbeddedLedger_WhenChainStateIsLost_RedeploysAndBumpsRecoveryGeneration()
    {
        using var dir = new TempDirectory();
        string address;
        await using (var first = await LedgerHost.CreateAsync(dir.Path))
        {
            address = first.Connection.AuditAnchorAddress;
            await first.Ledger.AnchorAsync([Roots.Request(5)], CancellationToken.None);
        }

        File.Delete(Path.Combine(dir.LedgerDirectory, "anvil-state.json"));

        await using var second = await LedgerHost.CreateAsync(dir.Path);
        Assert.Equal(1, second.Recovery.Generation);
        // Same deployer key and nonce 0 on the fresh chain: the contract lands at the same address again.
        Assert.Equal(address, second.Connection.AuditAnchorAddress, ignoreCase: true);
        Assert.True(await AuditAnchorCalls.HasCodeAsync(second.Connection.Rpc, second.Connection.AuditAnchorAddress, CancellationToken.None));
        Assert.Empty(await second.Ledger.GetRootsAsync([5], CancellationToken.None));
        Assert.Contains(second.Logs.Messages, m => m.Contains("state lost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EmbeddedChain_OverItsMemoryLimit_IsRestartedWithStateKept()
    {
        using var dir = new TempDirectory();
        await using var host = await LedgerHost.CreateAsync(dir.Path, new Dictionary<string, string?>
        {
            ["Ledger:HealthCheckInterval"] = "00:00:00.300",
        });
        await host.Ledger.AnchorAsync([Roots.Request(9)], CancellationToken.None);
        // Lower the limit below anvil's footprint only now, so start-up is not interrupted.
        host.Services.GetRequiredService<IOptions<LedgerOptions>>().Value.MemoryLimitMegabytes = 1;
        var chain = host.Initializer.EmbeddedChain!;
        var firstPid = chain.ProcessId;

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (chain.Restarts == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(chain.Restarts > 0, "the watchdog should have restarted anvil");
        Assert.NotNull(firstPid);
        Assert.False(IsRunning(firstPid!.Value));
        Assert.Contains(host.Logs.Messages, m => m.Contains("MemoryLimitMegabytes", StringComparison.Ordinal));

        // State survived the restart: the anchor written before is still there (retry while a restart is under way).
        IReadOnlyDictionary<long, OnChainRoot>? roots = null;
        for (var attempt = 0; attempt < 50 && roots is null; attempt++)
        {
            try
            {
                roots = await host.Ledger.GetRootsAsync([9], CancellationToken.None);
            }
            catch (LedgerUnavailableException)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(roots);
        Assert.Equal(Roots.For(9), roots![9].Root);
    }

    [Fact]
    public async Task EmbeddedChain_ReloadedState_HasTheConfiguredBlockGasLimit()
    {
        using var dir = new TempDirectory();
        await using (await LedgerHost.CreateAsync(dir.Path))
        {
        }

        await using var host = await LedgerHost.CreateAsync(dir.Path, new Dictionary<string, string?> { ["Ledger:BlockGasLimit"] = "300000000" });
        await host.Connection.Rpc.CallAsync("evm_mine", CancellationToken.None);
        var block = await host.Connection.Rpc.CallAsync("eth_getBlockByNumber", CancellationToken.None, "latest", false);
        Assert.Equal(300_000_000, Hex.ToLong(block.GetProperty("gasLimit")));
    }

    internal static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

public sealed class ChainCrashTests
{
    [Fact]
    public async Task CrashedEmbeddedChain_MakesAnchoringThrowLedgerUnavailable_ThenTheWatchdogRestartsItAndAnchoringResumes()
    {
        using var dir = new TempDirectory();
        await using var host = await LedgerHost.CreateAsync(dir.Path, new Dictionary<string, string?>
        {
            ["Ledger:HealthCheckInterval"] = "00:00:00.300",
            ["Ledger:RetryBackoff"] = "00:00:00.300",
            ["Ledger:ConfirmationTimeout"] = "00:00:20",
        });
        // Let the periodic state dump (every second here) include the deployment.
        await Task.Delay(1500);
        await host.Ledger.AnchorAsync([Roots.Request(1)], CancellationToken.None);
        var chain = host.Initializer.EmbeddedChain!;

        // SIGKILL: no state dump, so the chain may come back without its last blocks (and our nonces run ahead of it).
        using (var anvil = System.Diagnostics.Process.GetProcessById(chain.ProcessId!.Value))
        {
            anvil.Kill();
            await anvil.WaitForExitAsync();
        }

        await Assert.ThrowsAsync<Sankofa.Core.Ledger.LedgerUnavailableException>(() => host.Ledger.AnchorAsync([Roots.Request(2)], CancellationToken.None));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (chain.Restarts == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(chain.Restarts > 0);
        var results = await host.Ledger.AnchorAsync([Roots.Request(1), Roots.Request(2), Roots.Request(3)], CancellationToken.None);
        Assert.Equal(3, results.Count);
        var roots = await host.Ledger.GetRootsAsync([1, 2, 3], CancellationToken.None);
        Assert.Equal(3, roots.Count);
    }
}
