using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core.Ledger;

namespace Sankofa.Ledger.Tests.Resources;

/// <summary>The per-transaction limits of batched ResourceRegistry transitions, and the batcher's lifetime.</summary>
public sealed class TransitionBatchLimitsTests
{
    private static byte[] Spec(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task A_transaction_carries_no_more_transitions_than_the_call_limit_and_the_gas_budget_allow()
    {
        using var dir = new TempDirectory();
        await using var host = await LedgerHost.CreateAsync(dir.Path, new Dictionary<string, string?>
        {
            ["Ledger:MaxTransitionsPerTransaction"] = "8",
            // Room for four requests (100k gas each, plus calldata) but fifteen removes (30k each).
            ["Ledger:MaxTransitionGasPerTransaction"] = "500000",
        });
        var ledger = host.Services.GetRequiredService<IResourceLedger>();
        var ids = Enumerable.Range(0, 40).Select(i => $"vm-limits-{i}").ToArray();

        var requests = await Task.WhenAll(ids.Select(id => ledger.RecordRequestedAsync(id, Spec(id), CancellationToken.None)));
        var removes = await Task.WhenAll(ids.Select(id => ledger.RecordDeletedAsync(id, CancellationToken.None)));

        Assert.InRange(requests.GroupBy(r => r.TransactionHash).Max(g => g.Count()), 2, 4);
        Assert.InRange(removes.GroupBy(r => r.TransactionHash).Max(g => g.Count()), 2, 8);
        foreach (var id in ids)
        {
            Assert.Equal(OnChainResourceState.Deleted, (await ledger.GetAsync(id, CancellationToken.None))!.State);
        }
    }

    [Fact]
    public async Task Once_the_host_is_disposed_a_transition_fails_as_ledger_unavailable()
    {
        using var dir = new TempDirectory();
        var host = await LedgerHost.CreateAsync(dir.Path);
        var ledger = host.Services.GetRequiredService<IResourceLedger>();
        await ledger.RecordRequestedAsync("vm-before-stop", Spec("a"), CancellationToken.None);

        await host.DisposeAsync();

        await Assert.ThrowsAsync<LedgerUnavailableException>(() => ledger.RecordRequestedAsync("vm-after-stop", Spec("b"), CancellationToken.None));
    }
}
