using Sankofa.Core.Placement;

namespace Sankofa.Core.Provisioning;

/// <summary>A VM that cannot be placed, with the nearest rejected candidates (why each site would not do).</summary>
/// <param name="Kind">Invalid, ConflictingConstraints or NoCapacity.</param>
/// <param name="Message">For a person.</param>
/// <param name="Fields">The request's fields at fault.</param>
/// <param name="Rejected">The nearest rejected candidates.</param>
public sealed record PlacementRefusedError(ErrorKind Kind, string Message, IReadOnlyDictionary<string, string[]> Fields, IReadOnlyList<RejectedExplanation> Rejected)
    : Error(Kind, Message, Fields)
{
    /// <summary>Maps a placement error, naming the request's fields.</summary>
    public static PlacementRefusedError From(PlacementError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var kind = error.Kind switch
        {
            PlacementErrorKind.InvalidRequest => ErrorKind.Invalid,
            PlacementErrorKind.ConflictingConstraints => ErrorKind.ConflictingConstraints,
            _ => ErrorKind.NoCapacity,
        };
        var fields = error.Fields.Select(f => f.StartsWith("size.", StringComparison.Ordinal) ? f[5..] : f)
            .Distinct().ToDictionary(f => f, _ => new[] { error.Message });
        return new(kind, error.Message, fields, [.. error.Rejected.Select(RejectedExplanation.From)]);
    }
}
