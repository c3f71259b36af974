namespace Sankofa.Core.Placement;

/// <summary>How placement estimates latency, scores candidates and explains itself.</summary>
public sealed class PlacementOptions
{
    /// <summary>The RTT model.</summary>
    public LatencyModel Latency { get; set; } = LatencyModel.Default;

    /// <summary>Weight of latency headroom in the score (0..1); the rest goes to free capacity.</summary>
    public double LatencyWeight { get; set; } = 0.7;

    /// <summary>Subtracted from the score of a degraded site or host, so healthy ones win when both qualify.</summary>
    public double DegradedPenalty { get; set; } = 0.25;

    /// <summary>How many of the nearest rejected candidates a decision lists.</summary>
    public int RejectedToExplain { get; set; } = 5;
}
