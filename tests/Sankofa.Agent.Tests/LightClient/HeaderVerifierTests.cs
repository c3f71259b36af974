using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Sankofa.Agent.LightClient;

namespace Sankofa.Agent.Tests.LightClient;

/// <summary>
/// Headers trusted from the configured checkpoint: on the embedded chain (real anvil) by parent links, saying that the
/// checkpoint is trusted without seals; on QBFT by the seals of the checkpoint's validators.
/// </summary>
public sealed class HeaderVerifierTests(RegistryChain chain) : IClassFixture<RegistryChain>
{
    [Fact]
    public async Task An_embedded_header_is_trusted_through_its_links_to_the_checkpoint_and_the_log_says_it_has_no_seals()
    {
        await chain.MineAsync(5);
        using var rpc = chain.Rpc();
        var logger = new CapturingLogger();
        var verifier = RegistryChain.Verifier(rpc, chain.Options(), logger);
        var head = await rpc.GetBlockHeaderAsync(null, CancellationToken.None);

        var verified = await verifier.VerifyAsync(head, CancellationToken.None);

        Assert.Equal(head.ClaimedHash, verified.Hash);
        Assert.Contains($"links by parent hashes to the trusted checkpoint {chain.Checkpoint.Number} ({chain.Checkpoint.HashHex}), which is trusted without seals", verified.Basis, StringComparison.Ordinal);
        Assert.Contains(logger.Messages, m => m.Contains($"trusting the configured checkpoint {chain.Checkpoint.Number} {chain.Checkpoint.HashHex} without seals", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Embedded_headers_proven_lately_are_not_asked_for_again_and_the_next_ones_are_linked_upward_from_the_newest()
    {
        await chain.MineAsync(5);
        using var reader = chain.Rpc();
        var first = await reader.GetBlockHeaderAsync(null, CancellationToken.None);
        await chain.MineAsync(3);
        var rpc = chain.Rpc();
        var verifier = RegistryChain.Verifier(rpc, chain.Options());
        await verifier.VerifyAsync(first, CancellationToken.None);

        // Three blocks after the newest proven: asked for in one batch and linked to it.
        var next = await verifier.VerifyNumberAsync(first.Number + 3, CancellationToken.None);
        rpc.Dispose(); // any further read would throw
        var older = await verifier.VerifyNumberAsync(first.Number - 3, CancellationToken.None);
        var between = await verifier.VerifyAsync(await reader.GetBlockHeaderAsync(first.Number + 1, CancellationToken.None), CancellationToken.None);

        Assert.Equal((await reader.GetBlockHeaderAsync(first.Number + 3, CancellationToken.None)).ClaimedHash, next.Hash);
        Assert.Equal((await reader.GetBlockHeaderAsync(first.Number - 3, CancellationToken.None)).ClaimedHash, older.Hash);
        Assert.Equal(first.Number + 1, between.Header.Number);
        Assert.Contains("links by parent hashes to the trusted checkpoint", older.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_embedded_header_that_does_not_descend_from_the_checkpoint_is_refused()
    {
        await chain.MineAsync(2);
        using var rpc = chain.Rpc();
        var elsewhere = new TrustedCheckpoint(chain.Checkpoint.Number, new byte[32]);
        var verifier = RegistryChain.Verifier(rpc, chain.Options(elsewhere));

        var error = await Assert.ThrowsAsync<ChainVerificationException>(async () =>
            await verifier.VerifyAsync(await rpc.GetBlockHeaderAsync(null, CancellationToken.None), CancellationToken.None));
        Assert.Contains("does not descend from the trusted checkpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_older_than_the_checkpoint_is_refused()
    {
        using var rpc = chain.Rpc();
        var verifier = RegistryChain.Verifier(rpc, chain.Options());

        var error = await Assert.ThrowsAsync<ChainVerificationException>(async () =>
            await verifier.VerifyAsync(await rpc.GetBlockHeaderAsync(chain.Checkpoint.Number - 1, CancellationToken.None), CancellationToken.None));
        Assert.Contains("older than the trusted checkpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_qbft_header_sealed_by_a_quorum_of_the_checkpoint_validators_is_trusted()
    {
        var (blocks, checkpoint) = QbftBlocks();
        await using var node = StubChainNode.Serve(blocks);
        using var rpc = new ChainRpcClient(node.RpcUrl, TimeSpan.FromSeconds(10));
        var verifier = RegistryChain.Verifier(rpc, QbftOptions(node, checkpoint));

        var verified = await verifier.VerifyAsync(await rpc.GetBlockHeaderAsync(2, CancellationToken.None), CancellationToken.None);

        Assert.Equal("QBFT: 3 of the 4 validators of checkpoint 0 sealed block 2 (quorum 3)", verified.Basis);
    }

    [Fact]
    public async Task A_qbft_header_sealed_by_too_few_validators_is_refused()
    {
        var (blocks, checkpoint) = QbftBlocks();
        await using var node = StubChainNode.Serve(blocks);
        using var rpc = new ChainRpcClient(node.RpcUrl, TimeSpan.FromSeconds(10));
        var verifier = RegistryChain.Verifier(rpc, QbftOptions(node, checkpoint));

        var error = await Assert.ThrowsAsync<ChainVerificationException>(async () =>
            await verifier.VerifyAsync(await rpc.GetBlockHeaderAsync(3, CancellationToken.None), CancellationToken.None));
        Assert.Contains("2 of its 4 validators sealed it; QBFT needs 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_qbft_header_listing_other_validators_than_the_checkpoint_is_refused_even_when_all_of_them_sealed_it()
    {
        var (blocks, checkpoint) = QbftBlocks();
        await using var node = StubChainNode.Serve(blocks);
        using var rpc = new ChainRpcClient(node.RpcUrl, TimeSpan.FromSeconds(10));
        var verifier = RegistryChain.Verifier(rpc, QbftOptions(node, checkpoint));

        var error = await Assert.ThrowsAsync<ChainVerificationException>(async () =>
            await verifier.VerifyAsync(await rpc.GetBlockHeaderAsync(4, CancellationToken.None), CancellationToken.None));
        Assert.Contains("does not follow validator changes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_qbft_checkpoint_that_is_not_on_the_served_chain_is_refused()
    {
        var (blocks, checkpoint) = QbftBlocks();
        await using var node = StubChainNode.Serve(blocks);
        using var rpc = new ChainRpcClient(node.RpcUrl, TimeSpan.FromSeconds(10));
        var verifier = RegistryChain.Verifier(rpc, QbftOptions(node, checkpoint with { Hash = new byte[32] }));

        var error = await Assert.ThrowsAsync<ChainVerificationException>(async () =>
            await verifier.VerifyAsync(await rpc.GetBlockHeaderAsync(1, CancellationToken.None), CancellationToken.None));
        Assert.Contains("not the trusted checkpoint's", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Genesis (the checkpoint) with 4 validators; blocks 1 and 2 sealed by 3 of them, block 3 by 2, and block 4 listing
    /// a fifth validator and sealed by all five.
    /// </summary>
    private static (List<JsonObject> Blocks, TrustedCheckpoint Checkpoint) QbftBlocks()
    {
        var four = QbftTestChain.Validators(4);
        var five = QbftTestChain.Validators(5);
        var blocks = new List<JsonObject> { QbftTestChain.Header(0, QbftTestChain.Hex(new byte[32]), four) };
        JsonObject Next(IEnumerable<NBitcoin.Secp256k1.ECPrivKey> listed, IEnumerable<NBitcoin.Secp256k1.ECPrivKey> signers) =>
            QbftTestChain.Seal(QbftTestChain.Header(blocks.Count, blocks[^1]["hash"]!.GetValue<string>(), listed, round: 1), signers);
        blocks.Add(Next(four, four[..3]));
        blocks.Add(Next(four, four[1..]));
        blocks.Add(Next(four, four[..2]));
        blocks.Add(Next(five, five));
        var genesis = QbftTestChain.Parse(blocks[0]);
        return (blocks, new TrustedCheckpoint(0, genesis.ClaimedHash));
    }

    private static LightClientOptions QbftOptions(StubChainNode node, TrustedCheckpoint checkpoint) => new()
    {
        RpcUrl = node.RpcUrl,
        Consensus = ChainConsensus.Qbft,
        CheckpointNumber = checkpoint.Number,
        CheckpointHash = checkpoint.HashHex,
    };

    private sealed class CapturingLogger : ILogger<HeaderVerifier>
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Enqueue(formatter(state, exception));
    }
}
