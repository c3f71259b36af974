using Sankofa.Core.Hardware;
using Sankofa.Ledger.Resources;

namespace Sankofa.Server.Hardware;

/// <summary>One comparison of an asset's stored custody with what SankofaCustody holds.</summary>
/// <param name="Description">What was compared, for a person.</param>
/// <param name="Passed">Whether the chain agrees.</param>
public sealed record AssetChainFinding(string Description, bool Passed);

/// <summary>
/// The portal's check of an asset against SankofaCustody's <c>assetOf</c>, read now: the canonical hash recomputed from
/// the asset's fields, the number of events, the custodian, the state and the standing inspection. The event-by-event
/// check from the chain alone is <c>sankofa vm provenance --verify</c> (or <c>cast call … eventsOf</c>).
/// </summary>
public static class AssetChainCheck
{
    /// <summary>What agrees and what does not; <paramref name="chain"/> null means the chain holds nothing of the asset.</summary>
    public static IReadOnlyList<AssetChainFinding> Check(AssetDetails details, OnChainAsset? chain)
    {
        ArgumentNullException.ThrowIfNull(details);
        var asset = details.Stored.Asset;
        if (chain is null)
        {
            return [new AssetChainFinding($"The chain holds no registration of {asset.Id}", details.Events.Count == 0)];
        }

        var events = details.Events;
        var state = AssetQueries.StatusAfter(events) switch
        {
            AssetStatus.Installed => 2,
            AssetStatus.Decommissioned => 3,
            _ => 1,
        };
        var lastInspection = events.LastOrDefault(e => e.Kind == CustodyEventKind.Inspection);
        return
        [
            new($"Asset hash {HardwareService.Hex(asset.Hash())}, recomputed from the fields shown, is the one registered", asset.Hash().AsSpan().SequenceEqual(chain.AssetHash)),
            new($"The chain holds {chain.Events} custody events; {events.Count} are on record here", chain.Events == events.Count),
            new($"Custodian {details.Custodian ?? "none"} (keccak-256 of its id) is the chain's", details.Custodian is { } c && LedgerIds.Of(c).AsSpan().SequenceEqual(chain.Custodian)),
            new($"State {(state == 2 ? "installed" : state == 3 ? "decommissioned" : "held")} is the chain's", chain.State == state),
            new($"The last inspection {(lastInspection is null ? "(none)" : lastInspection.Passed == true ? "passed" : "failed")}, as the chain says",
                chain.InspectionFailed == (lastInspection is { Passed: not true })),
        ];
    }
}
