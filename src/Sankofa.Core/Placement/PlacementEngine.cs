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
public sealed class PlacementEngine
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
                var reason = !anyUp ? RejectionReason.SiteDown : blockedByGroup ? RejectionReason.AntiAffinity : RejectionReason.NoCapacity;
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

        var reason = string.Create(CultureInfo.InvariantCulture, $"{Name(site)}: {why}; host {host.Id} keeps {freeAfter} free; score {score:0.000}");
        if (failover is not null)
        {
            reason = failover.Detail + " " + reason;
        }

        return new PlacementDecision(site, host, km, rtt, freeAfter, score, reason, failover, rejected);
    }

    private PlacementError Unplaced(PlacementRequest request, JurisdictionMask mask, in Scan scan, IReadOnlyList<RejectedCandidate> rejected)
    {
        var tierText = request.Tier is { } t ? Tier(t) + " " : "";
        if (scan.TierCount == 0)
        {
            return Conflict(["tier"], $"The catalog has no {tierText}sites.", rejected);
        }

        if (scan.LatencyCount == 0)
        {
            var nearest = _sites[scan.Nearest];
            var rtt = _model.EstimateRttMs(Math.Acos(scan.Dots[scan.Nearest]) * GeoPoint.EarthRadiusKm, nearest.Tier);
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

        _ = mask;
        var fields = new List<string>();
        if (rejected.Count > 0 && rejected.All(r => r.Reason == RejectionReason.NoCapacity))
        {
            fields.Add("size");
        }
        else if (rejected.Count > 0 && rejected.All(r => r.Reason == RejectionReason.AntiAffinity))
        {
            fields.Add("antiAffinityGroup");
        }

        return new PlacementError(
            PlacementErrorKind.NoCapacity,
            fields,
            $"None of the {scan.EligibleCount} {tierText}sites that meet the tier, latency and residency constraints can take {request.Size} now (down, full or holding the anti-affinity group); see the rejected candidates.",
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
                _ => noRoom ??= $"no host has {request.Size} free",
            };
            list.Add(new RejectedCandidate(site, km, rtt, reason, detail));
        }

        return list;
    }

    private static PlacementError? Validate(PlacementRequest request, out JurisdictionMask mask)
    {
        mask = JurisdictionMask.All;
        List<(string Field, string Message)>? problems = null; // allocated only for a bad request
        void Problem(string field, string message) => (problems ??= []).Add((field, message));

        if (request.Size.VCpu <= 0)
        {
            Problem("size.vcpu", "must be greater than 0");
        }

        if (request.Size.RamMiB <= 0)
        {
            Problem("size.ramMiB", "must be greater than 0");
        }

        if (request.Size.DiskGiB <= 0)
        {
            Problem("size.diskGiB", "must be greater than 0");
        }

        if (request.Tier is { } tier && !Enum.IsDefined(tier))
        {
            Problem("tier", "must be core, regional or edge");
        }

        if (request.MaxRttMs is { } rtt && (!double.IsFinite(rtt) || rtt <= 0))
        {
            Problem("maxRttMs", "must be a positive number of milliseconds");
        }

        if (request.UserLocation is { IsValid: false } location)
        {
            Problem("userLocation", $"{location} is not a valid latitude (−90..90) and longitude (−180..180)");
        }
        else if (request.MaxRttMs is not null && request.UserLocation is null)
        {
            Problem("userLocation", "is required with maxRttMs (latency is estimated from it)");
        }

        if (request.AllowedJurisdictions is { } allowed)
        {
            if (allowed.Count == 0)
            {
                Problem("allowedJurisdictions", "is empty, which allows nothing; omit it to allow any jurisdiction");
            }
            else
            {
                var words = new JurisdictionMask.Builder();
                List<string>? unknown = null;
                foreach (var code in allowed)
                {
                    if (code is not null && CountryIndex.TryGetValue(code, out var index))
                    {
                        words.Add(index);
                    }
                    else
                    {
                        (unknown ??= []).Add($"'{code}'");
                    }
                }

                if (unknown is not null)
                {
                    Problem("allowedJurisdictions", $"{string.Join(", ", unknown)} not assigned ISO 3166-1 alpha-2 codes");
                }
                else
                {
                    mask = words.Build();
                }
            }
        }

        if (request.AntiAffinityGroup is { } group && string.IsNullOrWhiteSpace(group))
        {
            Problem("antiAffinityGroup", "must not be blank; omit it for no anti-affinity");
        }

        if (!Enum.IsDefined(request.AntiAffinityScope))
        {
            Problem("antiAffinityScope", "must be host or site");
        }

        return problems is null
            ? null
            : new PlacementError(PlacementErrorKind.InvalidRequest, [.. problems.Select(p => p.Field)], string.Join("; ", problems.Select(p => $"{p.Field} {p.Message}")) + ".", []);
    }

    private static PlacementError Conflict(IReadOnlyList<string> fields, string message, IReadOnlyList<RejectedCandidate> rejected) =>
        new(PlacementErrorKind.ConflictingConstraints, fields, message, rejected);

    private static (double X, double Y, double Z) UnitVector(GeoPoint p)
    {
        const double rad = Math.PI / 180;
        var lat = p.Latitude * rad;
        var lon = p.Longitude * rad;
        return (Math.Cos(lat) * Math.Cos(lon), Math.Cos(lat) * Math.Sin(lon), Math.Sin(lat));
    }

    private static string Name(Site site) => $"{site.Id} ({site.Name}, {site.Jurisdiction})";

    private static string Tier(SiteTier tier) => SiteCatalogValidator.Tier(tier);

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

    /// <summary>A set of country indices (249 assigned codes fit in four words).</summary>
    private readonly struct JurisdictionMask(ulong a, ulong b, ulong c, ulong d)
    {
        public static JurisdictionMask All => new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

        public struct Builder
        {
            private ulong _a, _b, _c, _d;

            public void Add(int index)
            {
                var bit = 1UL << (index & 63);
                switch (index >> 6)
                {
                    case 0: _a |= bit; break;
                    case 1: _b |= bit; break;
                    case 2: _c |= bit; break;
                    default: _d |= bit; break;
                }
            }

            public readonly JurisdictionMask Build() => new(_a, _b, _c, _d);
        }

        public bool Allows(int index)
        {
            var word = (index >> 6) switch { 0 => a, 1 => b, 2 => c, _ => d };
            return (word & (1UL << (index & 63))) != 0;
        }
    }
}
