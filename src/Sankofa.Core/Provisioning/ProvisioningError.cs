using Sankofa.Core.Identity;
using Sankofa.Core.Placement;
using Sankofa.Core.Tenancy;

namespace Sankofa.Core.Provisioning;

/// <summary>Why a provisioning call did nothing; the API maps each kind to a status.</summary>
public enum ProvisioningErrorKind
{
    /// <summary>A field is malformed or out of range: 400.</summary>
    Invalid,

    /// <summary>The tenant, project or resource does not exist: 404.</summary>
    NotFound,

    /// <summary>An id or idempotency key is taken with other values, or the state forbids the call: 409.</summary>
    Conflict,

    /// <summary>A project or tenant quota would be exceeded: 422, naming each quota and what is left.</summary>
    QuotaExceeded,

    /// <summary>The constraints cannot hold in this topology: 422.</summary>
    ConflictingConstraints,

    /// <summary>Sites meet the constraints but none can take the VM now: 409.</summary>
    NoCapacity,

    /// <summary>The caller sees the tenant but its roles there do not allow this: 403.</summary>
    Forbidden,
}

/// <summary>A refused call, with the fields at fault.</summary>
/// <param name="Kind">What kind of refusal.</param>
/// <param name="Message">For a person.</param>
/// <param name="Fields">Field name → problems.</param>
public sealed record ProvisioningError(ProvisioningErrorKind Kind, string Message, IReadOnlyDictionary<string, string[]> Fields)
{
    /// <summary>Quota refusals, when <see cref="ProvisioningErrorKind.QuotaExceeded"/>.</summary>
    public IReadOnlyList<QuotaRefusal> QuotaRefusals { get; init; } = [];

    /// <summary>The nearest rejected candidates, when placement failed.</summary>
    public IReadOnlyList<RejectedExplanation> Rejected { get; init; } = [];

    /// <summary>A 400 naming the fields.</summary>
    public static ProvisioningError Invalid(IReadOnlyDictionary<string, string[]> fields) =>
        new(ProvisioningErrorKind.Invalid, "One or more fields are invalid.", fields);

    /// <summary>A 404.</summary>
    public static ProvisioningError NotFound(string field, string message) =>
        new(ProvisioningErrorKind.NotFound, message, new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>A 409.</summary>
    public static ProvisioningError Conflict(string field, string message) =>
        new(ProvisioningErrorKind.Conflict, message, new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>
    /// Null when <paramref name="caller"/> may do <paramref name="permission"/> in <paramref name="tenantId"/>; else
    /// <paramref name="notFound"/> when it cannot see the tenant (so ids cannot be probed), or a 403 naming the permission.
    /// </summary>
    public static ProvisioningError? Denied(Caller? caller, Permission permission, string tenantId, ProvisioningError notFound) =>
        (caller is null ? AccessRefusal.Hidden : caller.Refusal(permission, tenantId)) switch
        {
            null => null,
            AccessRefusal.Hidden => notFound,
            _ => new(ProvisioningErrorKind.Forbidden, $"Your roles in tenant '{tenantId}' do not allow this ({permission.ToName()}).", new Dictionary<string, string[]>())
            {
                MissingPermission = permission.ToName(),
            },
        };

    /// <summary>The permission lacking, when <see cref="ProvisioningErrorKind.Forbidden"/> (as docs/identity.md writes it).</summary>
    public string? MissingPermission { get; init; }

    /// <summary>A quota refusal naming each quota (<c>quota.vcpu</c>, …) and what is left.</summary>
    public static ProvisioningError Quota(IReadOnlyList<QuotaRefusal> refusals)
    {
        ArgumentNullException.ThrowIfNull(refusals);
        var fields = refusals.GroupBy(r => "quota." + r.Quota).ToDictionary(g => g.Key, g => g.Select(r => r.Message).ToArray());
        return new(ProvisioningErrorKind.QuotaExceeded, string.Join("; ", refusals.Select(r => r.Message)), fields) { QuotaRefusals = refusals };
    }

    /// <summary>Maps a placement error, naming the request's fields.</summary>
    public static ProvisioningError Placement(PlacementError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var kind = error.Kind switch
        {
            PlacementErrorKind.InvalidRequest => ProvisioningErrorKind.Invalid,
            PlacementErrorKind.ConflictingConstraints => ProvisioningErrorKind.ConflictingConstraints,
            _ => ProvisioningErrorKind.NoCapacity,
        };
        var fields = error.Fields.Select(f => f.StartsWith("size.", StringComparison.Ordinal) ? f[5..] : f)
            .Distinct().ToDictionary(f => f, _ => new[] { error.Message });
        return new(kind, error.Message, fields) { Rejected = [.. error.Rejected.Select(RejectedExplanation.From)] };
    }
}

/// <summary>Either a value or a <see cref="ProvisioningError"/>.</summary>
/// <typeparam name="T">The value's type.</typeparam>
public sealed class ProvisioningResult<T>
{
    private ProvisioningResult(T? value, ProvisioningError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value, when the call succeeded.</summary>
    public T? Value { get; }

    /// <summary>The error, when it did not.</summary>
    public ProvisioningError? Error { get; }

    /// <summary>True when <see cref="Value"/> is set.</summary>
    public bool Succeeded => Error is null;

    /// <summary>Wraps a value.</summary>
    public static ProvisioningResult<T> Ok(T value) => new(value, null);

    /// <summary>Wraps an error.</summary>
    public static implicit operator ProvisioningResult<T>(ProvisioningError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>Wraps an error.</summary>
    public static ProvisioningResult<T> Fail(ProvisioningError error) => error;
}
