using Microsoft.Extensions.DependencyInjection;
using Nethereum.Util;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Tests.Resources;

/// <summary>
/// The registry proofs the control plane sends with site agents' orders, read from a real anvil: each must name the
/// block whose state root it holds against, or the agent's light client cannot use it.
/// </summary>
public sealed class RegistryProofsTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Each_proof_names_the_block_whose_state_root_it_holds_against_even_while_blocks_are_being_mined()
    {
        var proofs = fixture.Host.Services.GetRequiredService<RegistryProofs>();
        var ledger = fixture.Host.Services.GetRequiredService<IResourceLedger>();
        var rpc = fixture.Host.Connection.Rpc;
        // Slot 0 (the roles mapping's own slot, empty) and a resource's record as it is being written.
        var slots = new[] { new byte[32], Sha3Keccack.Current.CalculateHash(new byte[64]) };

        // Blocks keep coming while the proofs are read: anvil answers eth_getProof from the state it has at that moment.
        using var stop = new CancellationTokenSource();
        var mining = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await ledger.RecordRequestedAsync($"vm-proofs-{Guid.NewGuid():N}", Sha3Keccack.Current.CalculateHash([(byte)i]), None);
            }
        });
        var blocks = new HashSet<long>();
        try
        {
            // At least 100 proofs, and on until they spanned a few blocks: on a fast run 100 proofs can all fall within one
            // block (the ledger batches transitions for up to 100 ms), which would prove nothing about a moving chain.
            for (var i = 0; (i < 100 || blocks.Count < 3) && i < 5_000; i++)
            {
                var proof = await proofs.ProveAsync(slots, None);

                var header = await rpc.CallAsync("eth_getBlockByNumber", None, Hex.Quantity(proof.BlockNumber), false);
                Assert.Equal(header.GetProperty("stateRoot").GetString(), Hex.Bytes(Sha3Keccack.Current.CalculateHash(proof.AccountNodes[0])));
                Assert.Equal(2, proof.Slots.Count);
                Assert.Equal(32, proof.StorageHash.Length);
                blocks.Add(proof.BlockNumber);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await mining;
        }

        Assert.True(blocks.Count > 1, "no block was mined while the proofs were read: the test proved nothing about a moving chain");
    }
}
