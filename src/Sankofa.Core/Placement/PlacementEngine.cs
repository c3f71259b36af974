using System.Collections.Frozen;
using System.Globalization;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Placement;

/// <summary>
/// Chooses a site and host for a VM: tier or latency target, data residency, free capacity, anti-affinity,
/// failover to an adjacent site when the preferred one is down; every decision explains itself.
/// </summary>
/// <remarks>
/// Immutable and thread-safe; the <see cref="FleetState"/> passed to <see cref="Place"/> is only read.
/// Per-site data (unit vectors, tier, country index, host order) is precomputed so one decision is a single
/// allocation-light pass over the catalog: a dot product prunes by distance before any trigonometry.
/// Ties are broken by site id, then host id (ordinal), so the same request and state always give the same answer.
/// </remarks>
public sealed partial class PlacementEngine
{
    private const int StackLimit = 1024;

    private static readonly FrozenDictionary<string, int> CountryIndex =
        CountryCodes.All.Select((c, i) => KeyValuePair.Create(c, i)).ToFrozenDictionary(StringComparer.Ordinal);

    private readonly SiteCatalog _catalog;
    private readonly PlacementOptions _options;
    private readonly LatencyModel _model;
    private readonly Site[] _sites;
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly double[] _z;
    private readonly SiteTier[] _tier;
    private readonly int[] _country;
    private readonly int[][] _hostOrder;
    private readonly SiteHost[] _hosts;
    private readonly int[][] _adjacent;
    private readonly int[][] _scanOrder;

    /// <summary>Precomputes what placement needs from <paramref name="catalog"/>.</summary>
    public PlacementEngine(SiteCatalog catalog, PlacementOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _options = options ?? new PlacementOptions();
        _model = _options.Latency;
        _sites = [.. catalog.Sites];
        var n = _sites.Length;
        (_x, _y, _z) = (new double[n], new double[n], new double[n]);
        _tier = new SiteTier[n];
        _country = new int[n];
        _hostOrder = new int[n][];
        _adjacent = new int[n][];
        _hosts = [.. _sites.SelectMany(s => s.Hosts)];
        var firstHost = 0;
        for (var s = 0; s < n; s++)
        {
            var site = _sites[s];
            (_x[s], _y[s], _z[s]) = UnitVector(site.Location);
            _tier[s] = site.Tier;
            _country[s] = CountryIndex[site.Jurisdiction];
            var first = firstHost;
            _hostOrder[s] = [.. Enumerable.Range(first, site.Hosts.Count).OrderBy(h => _hosts[h].Id, StringComparer.Ordinal)];
            _adjacent[s] = [.. site.AdjacentSiteIds.Select(catalog.IndexOf)];
            firstHost += site.Hosts.Count;
        }

        // Scanning in site-id order makes "first best wins" the deterministic tie-break.
        var byId = Enumerable.Range(0, n).OrderBy(s => _sites[s].Id, StringComparer.Ordinal).ToArray();
        _scanOrder = [byId, .. Enum.GetValues<SiteTier>().Select(t => byId.Where(s => _tier[s] == t).ToArray())];
    }

    /// <summary>The catalog placed into.</summary>
    public SiteCatalog Catalog => _catalog;

    /// <summary>Decides where <paramref name="request"/> goes given <paramref name="state"/>; does not change the state (see <see cref="FleetState.Commit"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="state"/> describes another catalog.</exception>
    public PlacementResult Place(PlacementRequest request, FleetState state)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(state);
        if (!ReferenceEquals(state.Catalog, _catalog))
        {
            throw new ArgumentException("The fleet state describes another catalog than the engine's.", nameof(state));
        }

        if (Validate(request, out var mask) is { } invalid)
        {
            return PlacementResult.Failed(invalid);
        }

        if (request is { Tier: { } t, MaxRttMs: { } target } && target <= _model.OverheadMs(t))
        {
            return PlacementResult.Failed(Conflict(
                ["tier", "maxRttMs"],
                string.Create(CultureInfo.InvariantCulture, $"A {Tier(t)} site cannot answer within {target:0.##} ms: the latency model's floor for the {Tier(t)} tier is {_model.OverheadMs(t):0.##} ms RTT even next door."),
                []));
        }

        var n = _sites.Length;
        var scan = new Scan(
            n <= StackLimit ? stackalloc double[n] : new double[n],
            n <= StackLimit ? stackalloc double[n] : new double[n],
            n <= StackLimit ? stackalloc int[n] : new int[n],
            n <= StackLimit ? stackalloc byte[n] : new byte[n],
            Math.Clamp(_options.RejectedToExplain, 0, 64));
        Span<int> rejectedSites = stackalloc int[scan.RejectCapacity];
        Span<double> rejectedDots = stackalloc double[scan.RejectCapacity];
        Span<byte> rejectedReasons = stackalloc byte[scan.RejectCapacity];
        Run(request, state, mask, ref scan, rejectedSites, rejectedDots, rejectedReasons);

        var rejected = Explain(request, rejectedSites[..scan.RejectCount], rejectedDots[..scan.RejectCount], rejectedReasons[..scan.RejectCount]);
        var chosen = scan.Best;
        PlacementFailover? failover = null;
        if (scan.Preferred >= 0 && scan.SiteStates[scan.Preferred] == (byte)SiteState.Down)
        {
            // A failover decided on chain names the site that takes the down site's role: its work goes there first.
            var decided = state.FailoverTargets[scan.Preferred];
            if (decided >= 0 && scan.SiteStates[decided] == (byte)SiteState.Viable)
            {
                var from = _sites[scan.Preferred];
                return PlacementResult.Placed(Decide(request, state, decided, scan.Hosts[decided], scan.Scores[decided], scan.Dots[decided],
                    new PlacementFailover(from, false, $"Site {from.Id} was failed over to {_sites[decided].Id} by a decision on chain; placed there.") { Decided = true },
                    rejected));
            }

            // The seed's failover: a down site's work goes to the best adjacent site of its tier, nearest first on ties.
            var adjacent = -1;
            foreach (var a in _adjacent[scan.Preferred])
            {
                if (a >= 0 && scan.SiteStates[a] == (byte)SiteState.Viable && (adjacent < 0 || scan.Scores[a] > scan.Scores[adjacent]))
                {
                    adjacent = a;
                }
            }

            var down = _sites[scan.Preferred];
            if (adjacent >= 0)
            {
                chosen = adjacent;
                failover = new PlacementFailover(down, true, $"{Name(down)} is down, the nearest site that qualifies; failed over to adjacent {Tier(down.Tier)} site {Name(_sites[adjacent])}.");
            }
            else if (chosen >= 0)
            {
                failover = new PlacementFailover(down, false, $"{Name(down)} is down, the nearest site that qualifies, and none of its adjacent sites ({string.Join(", ", down.AdjacentSiteIds)}) can take the VM; placed at the next best site {Name(_sites[chosen])}.");
            }
        }

        return chosen >= 0
            ? PlacementResult.Placed(Decide(request, state, chosen, scan.Hosts[chosen], scan.Scores[chosen], scan.Dots[chosen], failover, rejected))
            : PlacementResult.Failed(Unplaced(request, mask, in scan, rejected));
    }

    private void Run(PlacementRequest request, FleetState state, JurisdictionMask mask, ref Scan scan, Span<int> rejectedSites, Span<double> rejectedDots, Span<byte> rejectedReasons)
    {
        var hasLocation = request.UserLocation is not null;
        var (ux, uy, uz) = hasLocation ? UnitVector(request.UserLocation!.Value) : (0d, 0d, 0d);
        var hasTarget = request.MaxRttMs is not null;
        var target = request.MaxRttMs ?? 0;

        // Distance pruning without trigonometry: a site is within the target when dot(user, site) >= cos(max angle).
        Span<double> minDot = stackalloc double[3];
        for (var t = 0; t < 3; t++)
        {
            var maxKm = hasTarget ? _model.MaxDistanceKm(target, (SiteTier)t) : double.PositiveInfinity;
            minDot[t] = maxKm < 0 ? double.PositiveInfinity : maxKm >= Math.PI * GeoPoint.EarthRadiusKm ? double.NegativeInfinity : Math.Cos(maxKm / GeoPoint.EarthRadiusKm);
        }

        var group = state.Group(request.TenantId, request.AntiAffinityGroup);
        var siteScope = request.AntiAffinityScope == AntiAffinityScope.Site;
        var size = request.Size;
        var latencyWeight = hasLocation ? _options.LatencyWeight : 0;
        var penalty = _options.DegradedPenalty;
        var bestScore = double.NegativeInfinity;
        var preferredDot = double.NegativeInfinity;
        var nearestDot = double.NegativeInfinity;
        var siteStatuses = state.SiteStatuses;
        var hostStatuses = state.HostStatuses;
        var used = state.Used;
        var refusedHosts = request.RefusedHosts;

        foreach (var s in _scanOrder[request.Tier is { } tier ? (int)tier + 1 : 0])
        {
            scan.TierCount++;
            var dot = hasLocation ? Math.Clamp((ux * _x[s]) + (uy * _y[s]) + (uz * _z[s]), -1, 1) : 1;
            scan.Dots[s] = dot;
            if (dot > nearestDot)
            {
                nearestDot = dot;
                scan.Nearest = s;
            }

            var latencyOk = dot >= minDot[(int)_tier[s]];
            var residencyOk = mask.Allows(_country[s]);
            if (residencyOk)
            {
                scan.ResidencyCount++;
                if (dot > scan.NearestAllowedDot)
                {
                    scan.NearestAllowedDot = dot;
                    scan.NearestAllowed = s;
                }
            }

            if (!latencyOk)
            {
                Reject(ref scan, s, dot, RejectionReason.OverLatency, rejectedSites, rejectedDots, rejectedReasons);
                continue;
            }

            scan.LatencyCount++;
            if (!residencyOk)
            {
                Reject(ref scan, s, dot, RejectionReason.Residency, rejectedSites, rejectedDots, rejectedReasons);
                continue;
            }

            scan.EligibleCount++;
            if (hasLocation && dot > preferredDot)
            {
                preferredDot = dot;
                scan.Preferred = s;
            }

            if (siteStatuses[s] == SiteStatus.Down)
            {
                scan.SiteStates[s] = (byte)SiteState.Down;
                Reject(ref scan, s, dot, RejectionReason.SiteDown, rejectedSites, rejectedDots, rejectedReasons);
                continue;
            }

            if (siteScope && group is not null && group.Sites[s] > 0)
            {
                Reject(ref scan, s, dot, RejectionReason.AntiAffinity, rejectedSites, rejectedDots, rejectedReasons);
                continue;
            }

            var bestHost = -1;
            var bestHostScore = double.NegativeInfinity;
            var bestHostRatio = 0d;
            var anyUp = false;
            var blockedByGroup = false;
            var refused = false;
            foreach (var h in _hostOrder[s])
            {
                if (hostStatuses[h] == SiteStatus.Down)
                {
                    continue;
                }

                anyUp = true;
                var capacity = _hosts[h].Capacity;
                var u = used[h];
                var freeV = capacity.VCpu - u.VCpu - size.VCpu;
                var freeR = capacity.RamMiB - u.RamMiB - size.RamMiB;
                var freeD = capacity.DiskGiB - u.DiskGiB - size.DiskGiB;
                if (freeV < 0 || freeR < 0 || freeD < 0)
                {
                    continue;
                }

                if (!siteScope && group is not null && group.Hosts[h] > 0)
                {
                    blockedByGroup = true;
                    continue;
                }

                if (refusedHosts is not null && refusedHosts.ContainsKey(_hosts[h].Id))
                {
                    refused = true;
                    continue;
                }

                // The scarcest resource after placement decides how much room the host keeps.
                var ratio = Math.Min((double)freeV / capacity.VCpu, Math.Min((double)freeR / capacity.RamMiB, (double)freeD / capacity.DiskGiB));
                var hostScore = hostStatuses[h] == SiteStatus.Degraded ? ratio - penalty : ratio;
                if (hostScore > bestHostScore)
                {
                    bestHostScore = hostScore;
                    bestHostRatio = ratio;
                    bestHost = h;
                }
            }

            if (bestHost < 0)
            {
                scan.SiteStates[s] = anyUp ? (byte)SiteState.Rejected : (byte)SiteState.Down;
                var reason = !anyUp ? RejectionReason.SiteDown : blockedByGroup ? RejectionReason.AntiAffinity : refused ? RejectionReason.HostRefused : RejectionReason.NoCapacity;
                Reject(ref scan, s, dot, reason, rejectedSites, rejectedDots, rejectedReasons);
                continue;
            }

            var latencyScore = 0d;
            if (hasLocation)
            {
                var rtt = _model.EstimateRttMs(Math.Acos(dot) * GeoPoint.EarthRadiusKm, _tier[s]);
                latencyScore = Math.Clamp(1 - (rtt / (hasTarget ? target : LatencyModel.TierObjectiveMs(_tier[s]))), 0, 1);
            }

            var score = (latencyWeight * latencyScore) + ((1 - latencyWeight) * bestHostRatio) - (bestHostScore < bestHostRatio ? penalty : 0);
            if (siteStatuses[s] == SiteStatus.Degraded)
            {
                score -= penalty;
            }

            scan.SiteStates[s] = (byte)SiteState.Viable;
            scan.Scores[s] = score;
            scan.Hosts[s] = bestHost;
            if (score > bestScore)
            {
                bestScore = score;
                scan.Best = s;
            }
        }
    }

    // Keeps the nearest rejected sites, nearest first; on equal distance the earlier (lower id) stays ahead.
    private static void Reject(ref Scan scan, int site, double dot, RejectionReason reason, Span<int> sites, Span<double> dots, Span<byte> reasons)
    {
        var count = scan.RejectCount;
        var capacity = sites.Length;
        if (capacity == 0 || (count == capacity && dot <= dots[count - 1]))
        {
            return;
        }

        var i = count == capacity ? count - 1 : count;
        while (i > 0 && dots[i - 1] < dot)
        {
            sites[i] = sites[i - 1];
            dots[i] = dots[i - 1];
            reasons[i] = reasons[i - 1];
            i--;
        }

        sites[i] = site;
        dots[i] = dot;
        reasons[i] = (byte)reason;
        if (count < capacity)
        {
            scan.RejectCount++;
        }
    }

    private static (double X, double Y, double Z) UnitVector(GeoPoint p)
    {
        const double rad = Math.PI / 180;
        var lat = p.Latitude * rad;
        var lon = p.Longitude * rad;
        return (Math.Cos(lat) * Math.Cos(lon), Math.Cos(lat) * Math.Sin(lon), Math.Sin(lat));
    }

    private enum SiteState : byte
    {
        NotEligible,
        Viable,
        Down,
        Rejected,
    }

    /// <summary>Per-request scratch: per-site results on the stack, counters for explaining failures.</summary>
    private ref struct Scan(Span<double> dots, Span<double> scores, Span<int> hosts, Span<byte> siteStates, int rejectCapacity)
    {
        public Span<double> Dots = dots;
        public Span<double> Scores = scores;
        public Span<int> Hosts = hosts;
        public Span<byte> SiteStates = InitStates(siteStates);
        public int RejectCapacity = rejectCapacity;
        public int RejectCount;
        public int Best = -1;
        public int Preferred = -1;
        public int Nearest = -1;
        public int NearestAllowed = -1;
        public double NearestAllowedDot = double.NegativeInfinity;
        public int TierCount;
        public int LatencyCount;
        public int ResidencyCount;
        public int EligibleCount;

        private static Span<byte> InitStates(Span<byte> states)
        {
            states.Clear();
            return states;
        }
    }
}
