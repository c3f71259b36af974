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
/// Per-site data (unit vectors, tier, country index, host order) is precomputed, and the sites of each tier are kept in a
/// spatial index (a tree of boxes around their unit vectors): a request with a user location visits sites nearest first
/// and stops once no site left could change the decision, its explanation or its error — the same answer as a pass over
/// every site, at a cost that grows far slower than the catalog (see docs/topology.md, "Spatial index").
/// Ties are broken by site id, then host id (ordinal), so the same request and state always give the same answer.
/// </remarks>
public sealed partial class PlacementEngine
{
    private const byte Viable = byte.MaxValue;

    internal static readonly FrozenDictionary<string, int> CountryIndex =
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
    private readonly int[] _positionOf;
    private readonly SiteTier[] _tierAt;
    private readonly int[] _countryAt;
    private readonly int[] _hostStart;
    private readonly ComputeResources[] _capacity;
    private readonly SiteHost[] _hosts;
    private readonly int[][] _adjacent;
    private readonly int[][] _scanOrder;
    private readonly int[] _rank;
    private readonly SiteIndex? _index;

    // Per site, its "id (name, country)" as reasons print it, made on first use (a race makes the same string twice).
    private readonly string?[] _names;

    /// <summary>Precomputes what placement needs from <paramref name="catalog"/>.</summary>
    public PlacementEngine(SiteCatalog catalog, PlacementOptions? options = null)
        : this(catalog, options, fullScan: false)
    {
    }

    /// <summary>With <paramref name="fullScan"/>, every decision visits every site of the tier in id order (the reference the index is checked against).</summary>
    internal PlacementEngine(SiteCatalog catalog, PlacementOptions? options, bool fullScan)
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
        _adjacent = new int[n][];
        _names = new string?[n];
        for (var s = 0; s < n; s++)
        {
            var site = _sites[s];
            (_x[s], _y[s], _z[s]) = UnitVector(site.Location);
            _tier[s] = site.Tier;
            _country[s] = CountryIndex[site.Jurisdiction];
            _adjacent[s] = [.. site.AdjacentSiteIds.Select(catalog.IndexOf)];
        }

        // Hosts numbered as the fleet state numbers them (the index's: a leaf's sites' hosts side by side, each site's in
        // id order), and their capacities in one array: a visit reads them without chasing a reference per host (which,
        // at tens of thousands of sites, is a cache miss each).
        var index = SiteIndex.For(catalog);
        (_hosts, _hostStart, _positionOf, _countryAt) = (index.Hosts, index.HostStart, index.PositionOf, index.Country);
        _tierAt = [.. index.Order.Select(s => _tier[s])];
        _capacity = [.. _hosts.Select(h => h.Capacity)];

        // Scanning in site-id order makes "first best wins" the deterministic tie-break; the index compares ranks instead.
        var byId = Enumerable.Range(0, n).OrderBy(s => _sites[s].Id, StringComparer.Ordinal).ToArray();
        _scanOrder = [byId, .. Enum.GetValues<SiteTier>().Select(t => byId.Where(s => _tier[s] == t).ToArray())];
        _rank = new int[n];
        for (var r = 0; r < n; r++)
        {
            _rank[byId[r]] = r;
        }

        // The index bounds a score by distance only when RTT grows with distance; a model where it does not is scanned.
        var distanceCosts = _model.RouteFactor > 0 && _model.FiberKmPerMsRtt > 0
            && double.IsFinite(_model.RouteFactor / _model.FiberKmPerMsRtt)
            && Enum.GetValues<SiteTier>().All(t => double.IsFinite(_model.OverheadMs(t)));
        _index = fullScan || !distanceCosts ? null : index;
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

        var rejectCapacity = Math.Clamp(_options.RejectedToExplain, 0, 64);
        Span<int> rejectedSites = stackalloc int[rejectCapacity];
        Span<double> rejectedDots = stackalloc double[rejectCapacity];
        Span<byte> rejectedReasons = stackalloc byte[rejectCapacity];
        Span<double> perTier = stackalloc double[12];
        var scan = new Scan(request, state, mask, _options, rejectedSites, rejectedDots, rejectedReasons, perTier);
        for (var tier = 0; tier < 3; tier++)
        {
            var maxKm = scan.HasTarget ? _model.MaxDistanceKm(scan.Target, (SiteTier)tier) : double.PositiveInfinity;
            scan.MinDot[tier] = maxKm < 0 ? double.PositiveInfinity : maxKm >= Math.PI * GeoPoint.EarthRadiusKm ? double.NegativeInfinity : Math.Cos(maxKm / GeoPoint.EarthRadiusKm);
        }

        // Without a user location every site is as near as any other: nothing to search by, so every site is visited.
        // Weights outside 0..1 or a negative penalty would let a farther site score higher than its distance allows.
        if (_index is not null && scan.HasLocation && scan.LatencyWeight is >= 0 and <= 1 && scan.Penalty >= 0)
        {
            Search(request.Tier, state, ref scan);
        }
        else
        {
            foreach (var s in _scanOrder[request.Tier is { } tier ? (int)tier + 1 : 0])
            {
                Visit(s, _positionOf[s], scan.HasLocation ? Dot(in scan, s) : 1, ref scan);
            }
        }

        var rejected = Explain(request, scan.RejectedSites[..scan.RejectCount], scan.RejectedDots[..scan.RejectCount], scan.RejectedReasons[..scan.RejectCount]);
        var chosen = scan.Best;
        var chosenHost = scan.BestHost;
        var chosenScore = scan.BestScore;
        var chosenDot = scan.BestDot;
        PlacementFailover? failover = null;
        if (scan.Preferred >= 0 && scan.PreferredDown)
        {
            // A failover decided on chain names the site that takes the down site's role: its work goes there first.
            var decided = state.FailoverTargets[scan.Preferred];
            if (decided >= 0 && Candidate(decided, request.Tier, ref scan, out var decidedScore, out var decidedHost, out var decidedDot))
            {
                var from = _sites[scan.Preferred];
                return PlacementResult.Placed(Decide(request, state, decided, decidedHost, decidedScore, decidedDot,
                    new PlacementFailover(from, false, $"Site {from.Id} was failed over to {_sites[decided].Id} by a decision on chain; placed there.") { Decided = true },
                    rejected));
            }

            // The seed's failover: a down site's work goes to the best adjacent site of its tier, nearest first on ties.
            var adjacent = -1;
            var (adjacentScore, adjacentHost, adjacentDot) = (0d, -1, 0d);
            foreach (var a in _adjacent[scan.Preferred])
            {
                if (a >= 0 && Candidate(a, request.Tier, ref scan, out var score, out var host, out var dot) && (adjacent < 0 || score > adjacentScore))
                {
                    (adjacent, adjacentScore, adjacentHost, adjacentDot) = (a, score, host, dot);
                }
            }

            var down = _sites[scan.Preferred];
            if (adjacent >= 0)
            {
                (chosen, chosenScore, chosenHost, chosenDot) = (adjacent, adjacentScore, adjacentHost, adjacentDot);
                failover = new PlacementFailover(down, true, $"{Name(down)} is down, the nearest site that qualifies; failed over to adjacent {Tier(down.Tier)} site {Name(_sites[adjacent])}.");
            }
            else if (chosen >= 0)
            {
                failover = new PlacementFailover(down, false, $"{Name(down)} is down, the nearest site that qualifies, and none of its adjacent sites ({string.Join(", ", down.AdjacentSiteIds)}) can take the VM; placed at the next best site {Name(_sites[chosen])}.");
            }
        }

        return chosen >= 0
            ? PlacementResult.Placed(Decide(request, state, chosen, chosenHost, chosenScore, chosenDot, failover, rejected))
            : PlacementResult.Failed(Unplaced(request, in scan, rejected));
    }

    // One site through every rule, in order (latency, residency, health, anti-affinity, hosts), keeping what the decision,
    // its explanation and its errors need: the best, the preferred (nearest eligible), the nearest, the nearest rejected.
    // `s` is the site's catalog position, `p` its position in the index's leaf order (what per-site data is read by: the
    // sites a search visits lie in a few leaves, so their data is side by side, not a cache miss per array per site).
    private void Visit(int s, int p, double dot, ref Scan scan)
    {
        scan.TierCount++;
        if (Before(dot, s, scan.NearestDot, scan.Nearest))
        {
            (scan.Nearest, scan.NearestDot) = (s, dot);
        }

        var latencyOk = dot >= scan.MinDot[(int)_tierAt[p]];
        var residencyOk = scan.Mask.Allows(_countryAt[p]);
        if (residencyOk)
        {
            scan.ResidencyCount++;
            if (Before(dot, s, scan.NearestAllowedDot, scan.NearestAllowed))
            {
                (scan.NearestAllowed, scan.NearestAllowedDot) = (s, dot);
            }
        }

        if (!latencyOk)
        {
            Reject(ref scan, s, dot, RejectionReason.OverLatency);
            return;
        }

        scan.LatencyCount++;
        if (!residencyOk)
        {
            Reject(ref scan, s, dot, RejectionReason.Residency);
            return;
        }

        scan.EligibleCount++;
        var outcome = Assess(p, ref scan, dot, out var score, out var host);
        if (scan.HasLocation && Before(dot, s, scan.PreferredDot, scan.Preferred))
        {
            (scan.Preferred, scan.PreferredDot, scan.PreferredDown) = (s, dot, outcome == (byte)RejectionReason.SiteDown);
        }

        if (outcome != Viable)
        {
            Reject(ref scan, s, dot, (RejectionReason)outcome);
            return;
        }

        if (Before(score, s, scan.BestScore, scan.Best))
        {
            (scan.Best, scan.BestScore, scan.BestHost, scan.BestDot) = (s, score, host, dot);
            if (scan.Indexed)
            {
                Tighten(ref scan);
            }
        }
    }

    // Whether a failover target can take the VM, with its score, host and dot: the rules Visit applies, without its bookkeeping.
    private bool Candidate(int s, SiteTier? tier, ref Scan scan, out double score, out int host, out double dot)
    {
        (score, host) = (0, -1);
        dot = scan.HasLocation ? Dot(in scan, s) : 1;
        return (tier is null || _tier[s] == tier)
            && dot >= scan.MinDot[(int)_tier[s]]
            && scan.Mask.Allows(_country[s])
            && Assess(_positionOf[s], ref scan, dot, out score, out host) == Viable;
    }

    // Health, anti-affinity and hosts: Viable with the score and best host, or the reason the site is rejected.
    // `p`: the site's position in leaf order (see Visit).
    private byte Assess(int p, ref Scan scan, double dot, out double score, out int bestHost)
    {
        score = 0;
        bestHost = -1;
        var status = scan.SiteStatusAt[p];
        if (status == SiteStatus.Down)
        {
            return (byte)RejectionReason.SiteDown;
        }

        var group = scan.Group;
        if (scan.SiteScope && group is not null && group.Sites[p] > 0)
        {
            return (byte)RejectionReason.AntiAffinity;
        }

        var size = scan.Size;
        var hostStatuses = scan.HostStatuses;
        var used = scan.Used;
        var bestHostScore = double.NegativeInfinity;
        var bestHostRatio = 0d;
        var anyUp = false;
        var blockedByGroup = false;
        var refused = false;
        for (var h = _hostStart[p]; h < _hostStart[p + 1]; h++)
        {
            if (hostStatuses[h] == SiteStatus.Down)
            {
                continue;
            }

            anyUp = true;
            var capacity = _capacity[h];
            var u = used[h];
            var freeV = capacity.VCpu - u.VCpu - size.VCpu;
            var freeR = capacity.RamMiB - u.RamMiB - size.RamMiB;
            var freeD = capacity.DiskGiB - u.DiskGiB - size.DiskGiB;
            if (freeV < 0 || freeR < 0 || freeD < 0)
            {
                continue;
            }

            if (!scan.SiteScope && group is not null && group.Hosts[h] > 0)
            {
                blockedByGroup = true;
                continue;
            }

            if (scan.RefusedHosts is { } refusedHosts && refusedHosts.ContainsKey(_hosts[h].Id))
            {
                refused = true;
                continue;
            }

            // The scarcest resource after placement decides how much room the host keeps.
            var ratio = Math.Min((double)freeV / capacity.VCpu, Math.Min((double)freeR / capacity.RamMiB, (double)freeD / capacity.DiskGiB));
            var hostScore = hostStatuses[h] == SiteStatus.Degraded ? ratio - scan.Penalty : ratio;
            if (hostScore > bestHostScore)
            {
                bestHostScore = hostScore;
                bestHostRatio = ratio;
                bestHost = h;
            }
        }

        if (bestHost < 0)
        {
            return (byte)(!anyUp ? RejectionReason.SiteDown : blockedByGroup ? RejectionReason.AntiAffinity : refused ? RejectionReason.HostRefused : RejectionReason.NoCapacity);
        }

        var latencyScore = 0d;
        if (scan.HasLocation)
        {
            var rtt = _model.EstimateRttMs(Math.Acos(dot) * GeoPoint.EarthRadiusKm, _tierAt[p]);
            latencyScore = Math.Clamp(1 - (rtt / (scan.HasTarget ? scan.Target : LatencyModel.TierObjectiveMs(_tierAt[p]))), 0, 1);
        }

        score = (scan.LatencyWeight * latencyScore) + ((1 - scan.LatencyWeight) * bestHostRatio) - (bestHostScore < bestHostRatio ? scan.Penalty : 0);
        if (status == SiteStatus.Degraded)
        {
            score -= scan.Penalty;
        }

        return Viable;
    }

    // Keeps the nearest rejected sites, nearest first; on equal distance the lower id stays ahead.
    private void Reject(ref Scan scan, int site, double dot, RejectionReason reason)
    {
        var sites = scan.RejectedSites;
        var dots = scan.RejectedDots;
        var count = scan.RejectCount;
        var capacity = sites.Length;
        if (capacity == 0 || (count == capacity && !Before(dot, site, dots[count - 1], sites[count - 1])))
        {
            return;
        }

        var i = count == capacity ? count - 1 : count;
        while (i > 0 && Before(dot, site, dots[i - 1], sites[i - 1]))
        {
            sites[i] = sites[i - 1];
            dots[i] = dots[i - 1];
            scan.RejectedReasons[i] = scan.RejectedReasons[i - 1];
            i--;
        }

        sites[i] = site;
        dots[i] = dot;
        scan.RejectedReasons[i] = (byte)reason;
        if (count < capacity)
        {
            scan.RejectCount++;
        }
    }

    // Orders by value, higher first, then by site id: what "the first best in id order wins" means in any visiting order.
    private bool Before(double value, int site, double otherValue, int other) =>
        other < 0 || value > otherValue || (value == otherValue && _rank[site] < _rank[other]);

    private double Dot(in Scan scan, int s) => Math.Clamp((scan.Ux * _x[s]) + (scan.Uy * _y[s]) + (scan.Uz * _z[s]), -1, 1);

    internal static (double X, double Y, double Z) UnitVector(GeoPoint p)
    {
        const double rad = Math.PI / 180;
        var lat = p.Latitude * rad;
        var lon = p.Longitude * rad;
        return (Math.Cos(lat) * Math.Cos(lon), Math.Cos(lat) * Math.Sin(lon), Math.Sin(lat));
    }

    /// <summary>One request's constants and what its visits found; on the stack.</summary>
    private ref struct Scan
    {
        public readonly double Ux;
        public readonly double Uy;
        public readonly double Uz;
        public readonly bool HasLocation;
        public readonly bool HasTarget;
        public readonly double Target;
        public readonly bool HasResidency;
        public readonly JurisdictionMask Mask;
        public readonly FleetState.GroupMembers? Group;
        public readonly bool SiteScope;
        public readonly ComputeResources Size;
        public readonly IReadOnlyDictionary<string, string>? RefusedHosts;
        public readonly double LatencyWeight;
        public readonly double Penalty;
        public readonly SiteStatus[] SiteStatusAt;
        public readonly SiteStatus[] HostStatuses;
        public readonly ComputeResources[] Used;
        public readonly long[] SiteFit;
        public readonly long[] NodeFit;
        public readonly long[] NodeFree;

        // Per tier: the least dot product within the latency target; for the index, the most room a host of the tier
        // can keep, the dot product below which a site cannot beat the best score found, and the one below which a
        // site's latency score is 0.
        public readonly Span<double> MinDot;
        public readonly Span<double> RoomBound;
        public readonly Span<double> PruneDot;
        public readonly Span<double> ZeroDot;

        public readonly Span<int> RejectedSites;
        public readonly Span<double> RejectedDots;
        public readonly Span<byte> RejectedReasons;
        public int RejectCount;

        public bool Indexed;
        public int Best;
        public double BestScore;
        public int BestHost;
        public double BestDot;
        public int Preferred;
        public double PreferredDot;
        public bool PreferredDown;
        public int Nearest;
        public double NearestDot;
        public int NearestAllowed;
        public double NearestAllowedDot;

        // Full scan: counts over the tier. Index: over the sites visited, which keeps whether each is zero, and
        // EligibleCount exact whenever no site was viable (the only time it is reported).
        public int TierCount;
        public int LatencyCount;
        public int ResidencyCount;
        public int EligibleCount;

        public Scan(PlacementRequest request, FleetState state, JurisdictionMask mask, PlacementOptions options, Span<int> rejectedSites, Span<double> rejectedDots, Span<byte> rejectedReasons, Span<double> perTier)
        {
            HasLocation = request.UserLocation is not null;
            (Ux, Uy, Uz) = HasLocation ? UnitVector(request.UserLocation!.Value) : (0d, 0d, 0d);
            HasTarget = request.MaxRttMs is not null;
            Target = request.MaxRttMs ?? 0;
            HasResidency = request.AllowedJurisdictions is not null;
            Mask = mask;
            Group = state.Group(request.TenantId, request.AntiAffinityGroup);
            SiteScope = request.AntiAffinityScope == AntiAffinityScope.Site;
            Size = request.Size;
            RefusedHosts = request.RefusedHosts;
            LatencyWeight = HasLocation ? options.LatencyWeight : 0;
            Penalty = options.DegradedPenalty;
            SiteStatusAt = state.SiteStatusAt;
            HostStatuses = state.HostStatuses;
            Used = state.Used;
            SiteFit = state.SiteFit;
            NodeFit = state.NodeFit;
            NodeFree = state.NodeFree;
            MinDot = perTier[..3];
            RoomBound = perTier[3..6];
            PruneDot = perTier[6..9];
            ZeroDot = perTier[9..12];
            RejectedSites = rejectedSites;
            RejectedDots = rejectedDots;
            RejectedReasons = rejectedReasons;
            Best = Preferred = Nearest = NearestAllowed = BestHost = -1;
            BestScore = PreferredDot = NearestDot = NearestAllowedDot = double.NegativeInfinity;
        }
    }
}
