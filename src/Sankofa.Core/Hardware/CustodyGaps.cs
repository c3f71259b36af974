namespace Sankofa.Core.Hardware;

/// <summary>Why an asset's custody cannot be trusted.</summary>
public enum CustodyGapKind
{
    /// <summary>No custody at all: the asset was never registered, or its events do not start with the registration.</summary>
    NotRegistered,

    /// <summary>The custodian chain is broken: an event is missing, or a party acted on an asset it did not hold.</summary>
    BrokenChain,

    /// <summary>The asset is not installed at the host it is meant to be (never, elsewhere, or moved away since).</summary>
    NotInstalled,

    /// <summary>The last inspection failed, and none passed since.</summary>
    FailedInspection,

    /// <summary>The asset was decommissioned.</summary>
    Decommissioned,

    /// <summary>No server asset becomes the host.</summary>
    NoHardware,
}

/// <summary>One reason an asset's (or a host's) custody fails.</summary>
/// <param name="AssetId">The asset at fault; null when the host has none.</param>
/// <param name="Kind">What is wrong.</param>
/// <param name="Reason">For a person.</param>
public sealed record CustodyGap(string? AssetId, CustodyGapKind Kind, string Reason);

/// <summary>An asset and its custody events, as the rules read them.</summary>
/// <param name="Asset">The asset.</param>
/// <param name="Events">Its events, in sequence order.</param>
/// <param name="CreatedAt">When the control plane added it (default where unknown, as for an asset read from the chain).</param>
public sealed record AssetCustody(Asset Asset, IReadOnlyList<CustodyEvent> Events, DateTimeOffset CreatedAt = default);

/// <summary>
/// The custody rules (docs/hardware.md): an asset's custody is whole when its events start with the supplier's
/// registration, follow each other without a missing sequence, every transfer, installation and decommission comes from
/// the party holding it at that point, no failed inspection stands (a later passing one clears it), and it is not
/// decommissioned. A host's hardware is verified when a server asset becomes it, and the server and each of its
/// components are whole and installed at that host.
/// </summary>
public static class CustodyRules
{
    /// <summary>The gaps of one asset's custody; with <paramref name="hostId"/>, also whether it is installed there now.</summary>
    public static IReadOnlyList<CustodyGap> Check(AssetCustody custody, string? hostId = null)
    {
        ArgumentNullException.ThrowIfNull(custody);
        var id = custody.Asset.Id;
        var events = custody.Events;
        var gaps = new List<CustodyGap>();
        if (events.Count == 0 || events[0].Kind != CustodyEventKind.Registration)
        {
            gaps.Add(new(id, CustodyGapKind.NotRegistered, $"Asset {id} has no registration by its supplier."));
            return gaps;
        }

        var custodian = events[0].Actor;
        string? installedAt = null;
        CustodyEvent? failed = null;
        var decommissioned = false;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Sequence != i)
            {
                gaps.Add(new(id, CustodyGapKind.BrokenChain, $"Asset {id}'s custody event #{i} is missing (the next one is #{e.Sequence})."));
                return gaps;
            }

            if (i > 0 && e.Kind is CustodyEventKind.Registration)
            {
                gaps.Add(new(id, CustodyGapKind.BrokenChain, $"Asset {id} is registered again at event #{i}."));
                return gaps;
            }

            if (e.Kind is CustodyEventKind.Transfer or CustodyEventKind.Installation or CustodyEventKind.Decommission && e.Actor != custodian)
            {
                gaps.Add(new(id, CustodyGapKind.BrokenChain,
                    $"Asset {id}'s event #{i} ({HardwareNames.Name(e.Kind)}) comes from {e.Actor}, but {custodian} held it."));
                return gaps;
            }

            switch (e.Kind)
            {
                case CustodyEventKind.Transfer:
                    custodian = e.Counterparty ?? string.Empty;
                    installedAt = null;
                    break;
                case CustodyEventKind.Inspection:
                    failed = e.Passed == true ? null : e;
                    break;
                case CustodyEventKind.Installation:
                    installedAt = e.HostId;
                    break;
                case CustodyEventKind.Decommission:
                    decommissioned = true;
                    installedAt = null;
                    break;
            }
        }

        if (failed is not null)
        {
            gaps.Add(new(id, CustodyGapKind.FailedInspection, $"Asset {id} failed inspection #{failed.Sequence} by {failed.Actor}, and none passed since."));
        }

        if (decommissioned)
        {
            gaps.Add(new(id, CustodyGapKind.Decommissioned, $"Asset {id} is decommissioned."));
        }
        else if (hostId is not null && installedAt != hostId)
        {
            gaps.Add(new(id, CustodyGapKind.NotInstalled, installedAt is null
                ? $"Asset {id} is not installed at host {hostId} (held by {custodian})."
                : $"Asset {id} is installed at host {installedAt}, not {hostId}."));
        }

        return gaps;
    }

    /// <summary>
    /// The gaps of a host's hardware: <paramref name="hardware"/> is every asset that names the host (its server) and
    /// the server's components. Empty when the host's custody is verified.
    /// </summary>
    public static IReadOnlyList<CustodyGap> CheckHost(string hostId, IReadOnlyList<AssetCustody> hardware)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        var servers = hardware.Where(h => h.Asset.Kind == AssetKind.Server && h.Asset.HostId == hostId).ToList();
        if (servers.Count == 0)
        {
            return [new(null, CustodyGapKind.NoHardware, $"No server asset becomes host {hostId}.")];
        }

        var serverIds = servers.Select(s => s.Asset.Id).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. hardware.Where(h => serverIds.Contains(h.Asset.Id) || (h.Asset.ServerId is { } s && serverIds.Contains(s)))
                .OrderBy(h => h.Asset.ServerId is null ? 0 : 1).ThenBy(h => h.Asset.Id, StringComparer.Ordinal)
                .SelectMany(h => Check(h, hostId)),
        ];
    }
}
