using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Contracts;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Tests.Resources;

/// <summary>How concurrent ResourceRegistry transitions are coalesced into multicall transactions, on a real anvil.</summary>
public sealed class ResourceLedgerBatchingTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private IResourceLedger Ledger => fixture.Host.Services.GetRequiredService<IResourceLedger>();

    private static byte[] Spec(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    private static string NewId() => "vm-" + Guid.NewGuid();

    [Fact]
    public async Task Two_hundred_concurrent_transitions_over_a_hundred_resources_all_land_in_far_fewer_transactions()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => NewId()).ToArray();

        var receipts = await Task.WhenAll(ids.Select(async id =>
        {
            var requested = await Ledger.RecordRequestedAsync(id, Spec(id), CancellationToken.None);
            var placed = await Ledger.RecordPlacedAsync(id, "edge-accra-1", "host-7", CancellationToken.None);
            return new[] { requested, placed };
        }));

        var transactions = receipts.SelectMany(r => r).Select(r => r.TransactionHash).Distinct().Count();
        Assert.InRange(transactions, 2, 20);
        foreach (var id in ids)
        {
            var onChain = await Ledger.GetAsync(id, CancellationToken.None);
            Assert.Equal(OnChainResourceState.Placed, onChain!.State);
            Assert.Equal(Spec(id), onChain.SpecHash);
            Assert.Equal(LedgerIds.Of("host-7"), onChain.Host);
        }
    }

    [Fact]
    public async Task A_refused_call_in_a_batch_fails_alone_with_the_contracts_reason_and_the_others_land()
    {
        var existing = NewId();
        await Ledger.RecordRequestedAsync(existing, Spec("first"), CancellationToken.None);
        var fine = Enumerable.Range(0, 10).Select(_ => NewId()).ToArray();
        var unknown = NewId();

        // Issued together so they share batches; the places depend on requests earlier in the same batch.
        var before = fine[..5].SelectMany(id => new[]
        {
            Ledger.RecordRequestedAsync(id, Spec(id), CancellationToken.None),
            Ledger.RecordPlacedAsync(id, "edge-accra-1", "host-1", CancellationToken.None),
        }).ToArray();
        var placeOfUnknown = Ledger.RecordPlacedAsync(unknown, "edge-accra-1", "host-1", CancellationToken.None);
        var conflictingRequest = Ledger.RecordRequestedAsync(existing, Spec("second"), CancellationToken.None);
        var after = fine[5..].SelectMany(id => new[]
        {
            Ledger.RecordRequestedAsync(id, Spec(id), CancellationToken.None),
            Ledger.RecordPlacedAsync(id, "edge-accra-1", "host-1", CancellationToken.None),
        }).ToArray();

        var unknownError = await Assert.ThrowsAsync<InvalidOperationException>(() => placeOfUnknown);
        Assert.StartsWith($"ResourceRegistry refuses resource:{unknown}:place:", unknownError.Message, StringComparison.Ordinal);
        Assert.Contains(Selector("InvalidTransition(bytes32,uint8,uint8)"), unknownError.Message, StringComparison.OrdinalIgnoreCase);
        var conflictError = await Assert.ThrowsAsync<InvalidOperationException>(() => conflictingRequest);
        Assert.StartsWith($"ResourceRegistry refuses resource:{existing}:request:", conflictError.Message, StringComparison.Ordinal);
        Assert.Contains(Selector("Conflict(bytes32)"), conflictError.Message, StringComparison.OrdinalIgnoreCase);

        var landed = await Task.WhenAll([.. before, .. after]);
        Assert.True(landed.Select(r => r.TransactionHash).Distinct().Count() < landed.Length, "the accepted calls were sent together");
        foreach (var id in fine)
        {
            Assert.Equal(OnChainResourceState.Placed, (await Ledger.GetAsync(id, CancellationToken.None))!.State);
        }

        Assert.Null(await Ledger.GetAsync(unknown, CancellationToken.None));
        Assert.Equal(Spec("first"), (await Ledger.GetAsync(existing, CancellationToken.None))!.SpecHash);
    }

    [Fact]
    public async Task Transitions_of_one_resource_issued_back_to_back_land_in_the_order_they_were_made()
    {
        var id = NewId();
        var spec = Spec(id);

        var requested = Ledger.RecordRequestedAsync(id, spec, CancellationToken.None);
        var placed = Ledger.RecordPlacedAsync(id, "edge-kumasi-1", "host-2", CancellationToken.None);
        var provisioned = Ledger.RecordProvisionedAsync(id, spec, CancellationToken.None);
        var receipts = await Task.WhenAll(requested, placed, provisioned);

        Assert.True(receipts[0].BlockNumber <= receipts[1].BlockNumber && receipts[1].BlockNumber <= receipts[2].BlockNumber);
        var onChain = await Ledger.GetAsync(id, CancellationToken.None);
        Assert.Equal(OnChainResourceState.Provisioned, onChain!.State);
        Assert.Equal(LedgerIds.Of("edge-kumasi-1"), onChain.Site);
        Assert.Equal(spec, onChain.ControlPlaneAttestation);
    }

    [Fact]
    public async Task A_cancelled_caller_gets_a_cancellation_and_the_callers_batched_with_it_still_land()
    {
        var ids = Enumerable.Range(0, 6).Select(_ => NewId()).ToArray();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var others = ids[..5].Select(id => Ledger.RecordRequestedAsync(id, Spec(id), CancellationToken.None)).ToList();
        var gaveUp = Ledger.RecordRequestedAsync(ids[5], Spec(ids[5]), cancelled.Token);
        others.AddRange(ids[..5].Select(id => Ledger.RecordPlacedAsync(id, "edge-tamale-1", "host-1", CancellationToken.None)));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gaveUp);
        await Task.WhenAll(others);
        foreach (var id in ids[..5])
        {
            Assert.Equal(OnChainResourceState.Placed, (await Ledger.GetAsync(id, CancellationToken.None))!.State);
        }
    }

    [Fact]
    public async Task A_site_attestation_over_the_ledgers_digest_verifies_the_resource()
    {
        var siteKey = await TestSites.RegisterNewKeyAsync(Ledger, "edge-ho-1");
        var id = NewId();
        var spec = Spec(id);
        await Task.WhenAll(
            Ledger.RecordRequestedAsync(id, spec, CancellationToken.None),
            Ledger.RecordPlacedAsync(id, "edge-ho-1", "host-1", CancellationToken.None),
            Ledger.RecordProvisionedAsync(id, spec, CancellationToken.None));

        var digest = await Ledger.AttestationDigestAsync(id, spec, CancellationToken.None);
        await Ledger.RecordSiteAttestationAsync(id, spec, SiteAttestation.Sign(siteKey, digest), CancellationToken.None);

        Assert.True((await Ledger.GetAsync(id, CancellationToken.None))!.Verified);
    }

    private static string Selector(string error) => Convert.ToHexStringLower(Abi.Selector(error));
}
