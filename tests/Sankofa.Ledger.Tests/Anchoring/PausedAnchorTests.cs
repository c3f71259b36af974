using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Tests.Anchoring;

/// <summary>
/// A paused AuditAnchor (by the board's emergency vote, say): anchoring sends nothing and reports the chain as unavailable,
/// so the worker waits with its backoff instead of failing rounds and spending gas on reverted transactions; once
/// unpaused, the same batches are anchored.
/// </summary>
public sealed class PausedAnchorTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_paused_anchor_sends_nothing_and_waits_then_anchors_once_unpaused()
    {
        using var dir = new TempDirectory();
        await using var host = await LedgerHost.CreateAsync(dir.Path);
        var c = host.Connection;
        await SendAsync(c, "pause()");
        var nonce = await NonceAsync(c);

        var paused = await Assert.ThrowsAsync<LedgerUnavailableException>(() => host.Ledger.AnchorAsync([Roots.Request(1), Roots.Request(2)], None));

        Assert.Contains("AuditAnchor is paused: batches 1..2 wait", paused.Message, StringComparison.Ordinal);
        Assert.Equal(nonce, await NonceAsync(c)); // no transaction sent, none reverted

        await SendAsync(c, "unpause()");
        var anchored = await host.Ledger.AnchorAsync([Roots.Request(1), Roots.Request(2)], None);
        Assert.Equal([1L, 2L], anchored.Select(a => a.BatchId));
    }

    private static async Task SendAsync(Hosting.LedgerConnection c, string function)
    {
        var receipt = await c.Gateway.SendAsync(new TransactionRequest($"test:{function}:{Guid.NewGuid()}", c.AuditAnchorAddress, Abi.Selector(function), 100_000), None);
        Assert.True(receipt.Succeeded);
    }

    private static async Task<long> NonceAsync(Hosting.LedgerConnection c) =>
        Hex.ToLong(await c.Rpc.CallAsync("eth_getTransactionCount", None, c.SignerAddress, "latest"));
}
