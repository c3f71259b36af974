namespace Sankofa.Core.Topology;

/// <summary>A point on Earth in decimal degrees (WGS 84).</summary>
/// <param name="Latitude">−90 (south pole) to 90 (north pole).</param>
/// <param name="Longitude">−180 to 180, east positive.</param>
public readonly record struct GeoPoint(double Latitude, double Longitude)
{
    /// <summary>Mean Earth radius (IUGG), in kilometres.</summary>
    public const double EarthRadiusKm = 6371.0088;

    /// <summary>True when both coordinates are finite and in range.</summary>
    public bool IsValid => double.IsFinite(Latitude) && double.IsFinite(Longitude)
        && Latitude is >= -90 and <= 90 && Longitude is >= -180 and <= 180;

    /// <summary>Great-circle distance to <paramref name="other"/> in kilometres (haversine on a sphere; within 0.5 % of the ellipsoid).</summary>
    public double DistanceKmTo(GeoPoint other)
    {
        const double rad = Math.PI / 180;
        var dLat = (other.Latitude - Latitude) * rad;
        var dLon = (other.Longitude - Longitude) * rad;
        var h = Math.Pow(Math.Sin(dLat / 2), 2)
            + (Math.Cos(Latitude * rad) * Math.Cos(other.Latitude * rad) * Math.Pow(Math.Sin(dLon / 2), 2));
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"({Latitude:0.####}, {Longitude:0.####})");
}
