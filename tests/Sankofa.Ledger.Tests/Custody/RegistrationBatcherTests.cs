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
        }, new LedgerOptions { MaxRegistrationsPerTransaction = 3 }, NullLogger.Instance);

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
        }, new LedgerOptions(), NullLogger.Instance);

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
