using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core.Ledger;
using Sankofa.Core.Residency;

namespace Sankofa.Ledger.Tests.Residency;

/// <summary>ResourceRegistry.placeIn on a real anvil: the jurisdiction goes on chain with the placement, once, and is read back with it.</summary>
public sealed class JurisdictionOnChainTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private IResourceLedger Ledger => fixture.Host.Services.GetRequiredService<IResourceLedger>();

    private IResidencyLedger Residency => fixture.Host.Services.GetRequiredService<IResidencyLedger>();

    [Fact]
    public async Task A_placement_records_the_sites_jurisdiction_and_refuses_another_one_later()
    {
        var id = "vm-" + Guid.NewGuid();
        var unplaced = "vm-" + Guid.NewGuid();
        await Ledger.RecordRequestedAsync(id, SHA256.HashData(Encoding.UTF8.GetBytes("spec")), CancellationToken.None);
        await Ledger.RecordPlacedAsync(id, "edge-lagos-7", "host-2", "NG", CancellationToken.None);
        var repeat = await Ledger.RecordPlacedAsync(id, "edge-lagos-7", "host-2", "NG", CancellationToken.None);

        var read = await Residency.ReadAsync([new(id, "edge-lagos-7", "host-2"), new(id, "edge-accra-1", "host-2"), new(unplaced, "edge-lagos-7", "host-2")], CancellationToken.None);

        Assert.NotNull(repeat.TransactionHash);
        Assert.Equal(("NG", true, true, OnChainResourceState.Placed), (read.Records[0].Jurisdiction, read.Records[0].SiteMatches, read.Records[0].HostMatches, read.Records[0].State));
        Assert.False(read.Records[1].SiteMatches);
        Assert.Null(read.Records[2].State);
        Assert.Null(read.Records[2].Jurisdiction);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Ledger.RecordPlacedAsync(id, "edge-lagos-7", "host-2", "GH", CancellationToken.None));
        Assert.Contains("Conflict", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.RecordPlacedAsync(id, "edge-lagos-7", "host-2", "ng", CancellationToken.None));
    }
}
