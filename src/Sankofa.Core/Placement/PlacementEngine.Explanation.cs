using System.Globalization;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Placement;

// How each outcome explains itself: the decision and its reason, the refusal and its fields, the rejected candidates.
public sealed partial class PlacementEngine
{
    private PlacementDecision Decide(PlacementRequest request, FleetState state, int s, int h, double score, double dot, PlacementFailover? failover, IReadOnlyList<RejectedCandidate> rejected)
    {
        var site = _sites[s];
        var host = _hosts[h];
        var freeAfter = host.Capacity - state.Used[h] - request.Size;
        double? km = null, rtt = null;
        var why = request.Tier is { } tier ? $"best {Tier(tier)} site" : "best site";
        if (request.UserLocation is not null)
        {
            km = Math.Acos(dot) * GeoPoint.EarthRadiusKm;
            rtt = _model.EstimateRttMs(km.Value, site.Tier);
            why += request.MaxRttMs is { } target
                ? string.Create(CultureInfo.InvariantCulture, $" within {target:0.##} ms: est. {rtt:0.0} ms RTT over {km:0} km")
                : string.Create(CultureInfo.InvariantCulture, $" for the user: est. {rtt:0.0} ms RTT over {km:0} km");
        }
        else
        {
            why += " by free capacity (no user location)";
        }

        if (request.AllowedJurisdictions is not null)
        {
            why += $"; jurisdiction {site.Jurisdiction} allowed";
        }

        if (request.AntiAffinityGroup is not null)
        {
            why += $"; no other VM of group '{request.AntiAffinityGroup}' on this {(request.AntiAffinityScope == AntiAffinityScope.Site ? "site" : "host")}";
        }

        if (request.RefusedHosts is not null)
        {
            why += "; host not refused (its hardware's custody verified)";
        }

        var reason = string.Create(CultureInfo.InvariantCulture, $"{Name(s)}: {why}; host {host.Id} keeps {freeAfter} free; score {score:0.000}");
        if (failover is not null)
        {
            reason = failover.Detail + " " + reason;
        }

        return new PlacementDecision(site, host, km, rtt, freeAfter, score, reason, failover, rejected);
    }

    private PlacementError Unplaced(PlacementRequest request, in Scan scan, IReadOnlyList<RejectedCandidate> rejected)
    {
        var tierText = request.Tier is { } t ? Tier(t) + " " : "";
        if (scan.TierCount == 0)
        {
            return Conflict(["tier"], $"The catalog has no {tierText}sites.", rejected);
        }

        if (scan.LatencyCount == 0)
        {
            var nearest = _sites[scan.Nearest];
            var rtt = _model.EstimateRttMs(Math.Acos(scan.NearestDot) * GeoPoint.EarthRadiusKm, nearest.Tier);
            return Conflict(
                request.Tier is null ? ["maxRttMs"] : ["tier", "maxRttMs"],
                string.Create(CultureInfo.InvariantCulture, $"No {tierText}site is within {request.MaxRttMs:0.##} ms of {request.UserLocation}; the nearest, {Name(nearest)}, is estimated at {rtt:0.0} ms."),
                rejected);
        }

        if (scan.EligibleCount == 0)
        {
            var allowed = string.Join(", ", request.AllowedJurisdictions!);
            if (scan.ResidencyCount == 0)
            {
                return Conflict(
                    request.Tier is null ? ["allowedJurisdictions"] : ["tier", "allowedJurisdictions"],
                    $"No {tierText}site is in the allowed jurisdictions ({allowed}).",
                    rejected);
            }

            var nearestAllowed = _sites[scan.NearestAllowed];
            var rtt = _model.EstimateRttMs(Math.Acos(scan.NearestAllowedDot) * GeoPoint.EarthRadiusKm, nearestAllowed.Tier);
            return Conflict(
                ["allowedJurisdictions", "maxRttMs"],
                string.Create(CultureInfo.InvariantCulture, $"Residency ({allowed}) excludes every {tierText}site within {request.MaxRttMs:0.##} ms of {request.UserLocation}; the nearest allowed, {Name(nearestAllowed)}, is estimated at {rtt:0.0} ms."),
                rejected);
        }

        var fields = new List<string>();
        if (rejected.Count > 0 && rejected.All(r => r.Reason == RejectionReason.NoCapacity))
        {
            fields.Add("size");
        }
        else if (rejected.Count > 0 && rejected.All(r => r.Reason == RejectionReason.AntiAffinity))
        {
            fields.Add("antiAffinityGroup");
        }
        else if (rejected.Count > 0 && rejected.All(r => r.Reason == RejectionReason.HostRefused))
        {
            fields.Add("requireVerifiedHardware");
        }

        return new PlacementError(
            PlacementErrorKind.NoCapacity,
            fields,
            $"None of the {scan.EligibleCount} {tierText}sites that meet the tier, latency and residency constraints can take {request.Size} now (down, full{(request.RefusedHosts is null ? "" : ", refused hosts")} or holding the anti-affinity group); see the rejected candidates.",
            rejected);
    }

    private List<RejectedCandidate> Explain(PlacementRequest request, ReadOnlySpan<int> sites, ReadOnlySpan<double> dots, ReadOnlySpan<byte> reasons)
    {
        var list = new List<RejectedCandidate>(sites.Length);
        var hasLocation = request.UserLocation is not null;
        string? allowed = null;
        string? noRoom = null;
        for (var i = 0; i < sites.Length; i++)
        {
            var site = _sites[sites[i]];
            double? km = hasLocation ? Math.Acos(dots[i]) * GeoPoint.EarthRadiusKm : null;
            double? rtt = km is { } d ? _model.EstimateRttMs(d, site.Tier) : null;
            var reason = (RejectionReason)reasons[i];
            var detail = reason switch
            {
                RejectionReason.OverLatency => string.Create(CultureInfo.InvariantCulture, $"est. {rtt:0.0} ms RTT over {km:0} km exceeds the {request.MaxRttMs:0.##} ms target"),
                RejectionReason.Residency => $"jurisdiction {site.Jurisdiction} is not among the allowed ({allowed ??= string.Join(", ", request.AllowedJurisdictions ?? [])})",
                RejectionReason.SiteDown => "site is down (or every host in it is)",
                RejectionReason.AntiAffinity => request.AntiAffinityScope == AntiAffinityScope.Site
                    ? $"group '{request.AntiAffinityGroup}' already has a VM in this site"
                    : $"group '{request.AntiAffinityGroup}' already has a VM on every host with room",
                RejectionReason.HostRefused => Refusals(request, site),
                _ => noRoom ??= $"no host has {request.Size} free",
            };
            list.Add(new RejectedCandidate(site, km, rtt, reason, detail));
        }

        return list;
    }

    // Why each host of the site with room was refused: "host edge-001-h01: asset srv-1 failed inspection #3 …; host …".
    private static string Refusals(PlacementRequest request, Site site) =>
        "every host with room is refused: " + string.Join("; ", site.Hosts.Where(h => request.RefusedHosts!.ContainsKey(h.Id)).Select(h => $"host {h.Id}: {request.RefusedHosts![h.Id]}"));

    private static PlacementError Conflict(IReadOnlyList<string> fields, string message, IReadOnlyList<RejectedCandidate> rejected) =>
        new(PlacementErrorKind.ConflictingConstraints, fields, message, rejected);

    private static string Name(Site site) => $"{site.Id} ({site.Name}, {site.Jurisdiction})";

    // The same for the site at catalog position s, made once per site and kept: every decision's reason starts with it.
    private string Name(int s) => _names[s] ??= Name(_sites[s]);

    private static string Tier(SiteTier tier) => SiteCatalogValidator.Tier(tier);
}
