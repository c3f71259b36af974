using Sankofa.Core.Topology;

namespace Sankofa.Core.Placement;

/// <summary>
/// Estimates the round-trip time from a user to a site from the great-circle distance alone:
/// RTT ms = distance km × <see cref="RouteFactor"/> / <see cref="FiberKmPerMsRtt"/> + the tier's overhead.
/// </summary>
/// <remarks>
/// Light in fiber covers about 200 km per ms one way, so 100 km of fiber path costs about 1 ms of RTT.
/// Real paths are longer than the great circle (<see cref="RouteFactor"/>, 1.5 by default), and each tier adds a
/// fixed overhead for access network, switching and virtualisation (edge 2 ms, regional 4 ms, core 6 ms).
/// </remarks>
/// <param name="RouteFactor">Fiber path length ÷ great-circle distance.</param>
/// <param name="FiberKmPerMsRtt">Kilometres of fiber path per millisecond of round trip.</param>
/// <param name="EdgeOverheadMs">Fixed RTT added at an edge site.</param>
/// <param name="RegionalOverheadMs">Fixed RTT added at a regional site.</param>
/// <param name="CoreOverheadMs">Fixed RTT added at a core site.</param>
public sealed record LatencyModel(
    double RouteFactor = 1.5,
    double FiberKmPerMsRtt = 100,
    double EdgeOverheadMs = 2,
    double RegionalOverheadMs = 4,
    double CoreOverheadMs = 6)
{
    /// <summary>The default model described above.</summary>
    public static LatencyModel Default { get; } = new();

    /// <summary>The seed's user-latency objective of a tier: edge &lt; 10 ms, regional &lt; 50 ms, core &lt; 100 ms.</summary>
    public static double TierObjectiveMs(SiteTier tier) => tier switch
    {
        SiteTier.Edge => 10,
        SiteTier.Regional => 50,
        _ => 100,
    };

    /// <summary>The fixed RTT a tier adds: the fastest a site of that tier can answer, even next door.</summary>
    public double OverheadMs(SiteTier tier) => tier switch
    {
        SiteTier.Edge => EdgeOverheadMs,
        SiteTier.Regional => RegionalOverheadMs,
        _ => CoreOverheadMs,
    };

    /// <summary>Estimated RTT in ms to a site of <paramref name="tier"/> <paramref name="distanceKm"/> away.</summary>
    public double EstimateRttMs(double distanceKm, SiteTier tier) => (distanceKm * RouteFactor / FiberKmPerMsRtt) + OverheadMs(tier);

    /// <summary>Farthest great-circle distance at which a site of <paramref name="tier"/> meets <paramref name="rttMs"/> (negative when none can).</summary>
    public double MaxDistanceKm(double rttMs, SiteTier tier) => (rttMs - OverheadMs(tier)) * FiberKmPerMsRtt / RouteFactor;
}
