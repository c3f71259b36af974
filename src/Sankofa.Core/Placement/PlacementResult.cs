namespace Sankofa.Core.Placement;

/// <summary>Why no placement was made; an API maps each to a status (400, 422, 409).</summary>
public enum PlacementErrorKind
{
    /// <summary>A field is malformed (size not positive, unknown country code, coordinates out of range…): 400.</summary>
    InvalidRequest,

    /// <summary>The constraints cannot all hold in this topology (e.g. residency excludes every site within the latency target): 422.</summary>
    ConflictingConstraints,

    /// <summary>Sites meet the constraints but none can take the VM now (down, full, anti-affinity): 409.</summary>
    NoCapacity,
}

/// <summary>No placement, and why.</summary>
/// <param name="Kind">What kind of failure.</param>
/// <param name="Fields">The request fields at fault (camel case, e.g. <c>tier</c>, <c>maxRttMs</c>).</param>
/// <param name="Message">What is wrong, for a person.</param>
/// <param name="Rejected">The nearest candidates, with the reason each was rejected.</param>
public sealed record PlacementError(PlacementErrorKind Kind, IReadOnlyList<string> Fields, string Message, IReadOnlyList<RejectedCandidate> Rejected);

/// <summary>Either a <see cref="PlacementDecision"/> or a <see cref="PlacementError"/>.</summary>
public sealed class PlacementResult
{
    private PlacementResult(PlacementDecision? decision, PlacementError? error)
    {
        Decision = decision;
        Error = error;
    }

    /// <summary>The decision, when placed.</summary>
    public PlacementDecision? Decision { get; }

    /// <summary>The error, when not placed.</summary>
    public PlacementError? Error { get; }

    /// <summary>True when <see cref="Decision"/> is set.</summary>
    public bool IsPlaced => Decision is not null;

    /// <summary>A successful result.</summary>
    public static PlacementResult Placed(PlacementDecision decision) => new(decision ?? throw new ArgumentNullException(nameof(decision)), null);

    /// <summary>A failed result.</summary>
    public static PlacementResult Failed(PlacementError error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));

    /// <inheritdoc/>
    public override string ToString() => Decision is { } d ? $"{d.Site.Id}/{d.Host.Id}: {d.Reason}" : $"{Error!.Kind} [{string.Join(", ", Error.Fields)}]: {Error.Message}";
}
