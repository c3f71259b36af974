namespace Sankofa.Core.Placement;

// Request validation, with the residency rule turned into a country mask for the scan.
public sealed partial class PlacementEngine
{
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

    /// <summary>A set of country indices (249 assigned codes fit in four words).</summary>
    internal readonly struct JurisdictionMask(ulong a, ulong b, ulong c, ulong d)
    {
        private readonly ulong _a = a, _b = b, _c = c, _d = d;

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
            var word = (index >> 6) switch { 0 => _a, 1 => _b, 2 => _c, _ => _d };
            return (word & (1UL << (index & 63))) != 0;
        }

        /// <summary>True when every country of <paramref name="other"/> is in this set (an index node whose sites are all allowed).</summary>
        public bool Covers(in JurisdictionMask other) =>
            ((other._a & ~_a) | (other._b & ~_b) | (other._c & ~_c) | (other._d & ~_d)) == 0;

        /// <summary>True when some country is in both sets (an index node holding none of the allowed countries has no eligible site).</summary>
        public bool Overlaps(in JurisdictionMask other) =>
            ((_a & other._a) | (_b & other._b) | (_c & other._c) | (_d & other._d)) != 0;
    }
}
