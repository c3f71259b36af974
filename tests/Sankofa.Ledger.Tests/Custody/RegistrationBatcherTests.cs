using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Contracts;
using Sankofa.Core.Hardware;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Custody;

namespace Sankofa.Ledger.Tests.Custody;

/// <summary>
/// The batcher's rules with an in-memory chain (the send function), beside the end-to-end tests on anvil in
/// <see cref="CustodyContractTests"/>: what queues while a transaction is in flight goes as one registerBatch; a refused
/// batch goes again one registration at a time.
/// </summary>
public sealed class RegistrationBatcherTests
{
    private static readonly string BatchSelector = Convert.ToHexStringLower(new RegisterAssetsFunction().GetCallData()[..4]);

    [Fact]
    public async Task Registrations_queued_while_one_is_in_flight_go_together_up_to_the_batch_size()
    {
        var sent = new List<(string Action, byte[] Data)>();
        var firstInFlight = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        await using var batcher = new RegistrationBatcher(async (action, data, _) =>
        {
            sent.Add((action, data)); // one send at a time: the batcher's loop is the only caller

            if (sent.Count == 1)
            {
                firstInFlight.SetResult();
                await releaseFirst.Task;
            }

            return new LedgerReceipt("0x" + sent.Count, sent.Count);
        }, Gas(1_000_000_000), new LedgerOptions { MaxRegistrationsPerTransaction = 3 }, NullLogger.Instance);

        var first = batcher.SubmitAsync(Registration(0), "a0", CancellationToken.None);
        await firstInFlight.Task;
        var rest = Enumerable.Range(1, 5).Select(i => batcher.SubmitAsync(Registration(i), "a" + i, CancellationToken.None)).ToList();
        releaseFirst.SetResult();

        Assert.Equal(1, (await first).BlockNumber);
        Assert.Equal([2L, 2, 2, 3, 3], (await Task.WhenAll(rest)).Select(r => r.BlockNumber));
        Assert.Equal(["registration of asset a0", "registration of 3 assets", "registration of 2 assets"], sent.Select(s => s.Action));
        Assert.Equal(BatchSelector, Convert.ToHexStringLower(sent[1].Data[..4]));
    }

    [Fact]
    public async Task A_refused_batch_is_sent_again_one_registration_at_a_time_and_only_the_refused_one_fails()
    {
        var sent = new List<string>();
        var firstInFlight = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        await using var batcher = new RegistrationBatcher(async (action, _, _) =>
        {
            sent.Add(action);
            if (sent.Count == 1)
            {
                firstInFlight.SetResult();
                await releaseFirst.Task;
            }

            return action.Contains("assets", StringComparison.Ordinal) || action.EndsWith("a2", StringComparison.Ordinal)
                ? throw new CustodyRefusedException("NotSupplier", "refused: " + action)
                : new LedgerReceipt("0x" + sent.Count, sent.Count);
        }, Gas(1_000_000_000), new LedgerOptions(), NullLogger.Instance);

        var first = batcher.SubmitAsync(Registration(0), "a0", CancellationToken.None);
        await firstInFlight.Task;
        var rest = Enumerable.Range(1, 3).Select(i => batcher.SubmitAsync(Registration(i), "a" + i, CancellationToken.None)).ToList();
        releaseFirst.SetResult();

        await first;
        await rest[0];
        Assert.Equal("NotSupplier", (await Assert.ThrowsAsync<CustodyRefusedException>(() => rest[1])).Reason);
        await rest[2];
        Assert.Equal(
            ["registration of asset a0", "registration of 3 assets", "registration of asset a1", "registration of asset a2", "registration of asset a3"], sent);
    }

    [Fact]
    public async Task A_batch_takes_at_most_half_the_chain_s_block_gas_limit_read_once()
    {
        var sent = new List<string>();
        var firstInFlight = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        var reads = 0;
        // Room for two registrations in half a block, with the quarter added to the estimate.
        var blockGasLimit = 2 * 2 * (RegistrationBatcher.GasPerRegistration * 5 / 4);
        await using var batcher = new RegistrationBatcher(async (action, _, _) =>
        {
            sent.Add(action);
            if (sent.Count == 1)
            {
                firstInFlight.SetResult();
                await releaseFirst.Task;
            }

            return new LedgerReceipt("0x" + sent.Count, sent.Count);
        }, _ =>
        {
            Interlocked.Increment(ref reads);
            return Task.FromResult(blockGasLimit);
        }, new LedgerOptions { MaxRegistrationsPerTransaction = 50 }, NullLogger.Instance);

        var first = batcher.SubmitAsync(Registration(0), "a0", CancellationToken.None);
        await firstInFlight.Task;
        var rest = Enumerable.Range(1, 5).Select(i => batcher.SubmitAsync(Registration(i), "a" + i, CancellationToken.None)).ToList();
        releaseFirst.SetResult();
        await first;
        await Task.WhenAll(rest);

        Assert.Equal(["registration of asset a0", "registration of 2 assets", "registration of 2 assets", "registration of asset a5"], sent);
        Assert.Equal(1, reads);
    }

    [Theory]
    [InlineData(1_000_000_000, 1_000, 1_000)] // the embedded chain's and the genesis's limit: the configured maximum
    [InlineData(1_000_000_000, 5_000, 2_222)] // half of 1,000,000,000 over 225,000 (180,000 and a quarter)
    [InlineData(30_000_000, 1_000, 66)] // a node with the common 30M limit
    [InlineData(100_000, 1_000, 1)] // a block too small for two: one at a time, as register
    [InlineData(1_000_000_000, 0, 1)]
    public void The_batch_size_follows_the_block_gas_limit_up_to_the_configured_maximum(long blockGasLimit, int maximum, int expected) =>
        Assert.Equal(expected, RegistrationBatcher.BatchSize(blockGasLimit, maximum));

    private static Func<CancellationToken, Task<long>> Gas(long blockGasLimit) => _ => Task.FromResult(blockGasLimit);

    private static RegisterAssetFunction Registration(int i) => new()
    {
        AssetId = Word(i), AssetHash = Word(i + 100), DocumentHash = Word(i + 200), Signature = new byte[65],
    };

    private static byte[] Word(int value)
    {
        var word = new byte[32];
        word[^1] = (byte)value;
        return word;
    }
}
