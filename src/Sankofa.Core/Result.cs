namespace Sankofa.Core;

/// <summary>Why a call of a Core service did nothing; each adapter maps the kind to its own answer (an HTTP status, a GraphQL code).</summary>
public enum ErrorKind
{
    /// <summary>A field is malformed or out of range: 400.</summary>
    Invalid,

    /// <summary>The thing does not exist, or the caller may not see it: 404.</summary>
    NotFound,

    /// <summary>An id or idempotency key is taken with other values, or the state forbids the call: 409.</summary>
    Conflict,

    /// <summary>A project or tenant quota would be exceeded: 422, naming each quota and what is left.</summary>
    QuotaExceeded,

    /// <summary>The placement constraints cannot hold in this topology: 422.</summary>
    ConflictingConstraints,

    /// <summary>Sites meet the constraints but none can take the VM now: 409.</summary>
    NoCapacity,

    /// <summary>The caller sees the thing but its roles do not allow this: 403.</summary>
    Forbidden,

    /// <summary>The chain does not list the identity as active: 409.</summary>
    NotActive,

    /// <summary>The chain does not grant the identity the role: 409.</summary>
    RoleNotGranted,
}

/// <summary>A refused call, with the fields at fault. Features add what only they know in derived records.</summary>
/// <param name="Kind">What kind of refusal.</param>
/// <param name="Message">For a person.</param>
/// <param name="Fields">Field name → problems.</param>
public record Error(ErrorKind Kind, string Message, IReadOnlyDictionary<string, string[]> Fields)
{
    /// <summary>The permission lacking, when <see cref="ErrorKind.Forbidden"/> (as docs/identity.md writes it).</summary>
    public string? MissingPermission { get; init; }

    /// <summary>A 400 naming the fields.</summary>
    public static Error Invalid(IReadOnlyDictionary<string, string[]> fields) =>
        new(ErrorKind.Invalid, "One or more fields are invalid.", fields);

    /// <summary>A refusal of <paramref name="kind"/> naming one field.</summary>
    public static Error Of(ErrorKind kind, string field, string message) =>
        new(kind, message, new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>A 404.</summary>
    public static Error NotFound(string field, string message) => Of(ErrorKind.NotFound, field, message);

    /// <summary>A 409.</summary>
    public static Error Conflict(string field, string message) => Of(ErrorKind.Conflict, field, message);
}

/// <summary>Either a value or an <see cref="Error"/>.</summary>
/// <typeparam name="T">The value's type.</typeparam>
public sealed class Result<T>
{
    private Result(T? value, Error? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value, when the call succeeded.</summary>
    public T? Value { get; }

    /// <summary>The error, when it did not.</summary>
    public Error? Error { get; }

    /// <summary>True when <see cref="Value"/> is set.</summary>
    public bool Succeeded => Error is null;

    /// <summary>Wraps a value.</summary>
    public static Result<T> Ok(T value) => new(value, null);

    /// <summary>Wraps an error.</summary>
    public static implicit operator Result<T>(Error error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>Wraps an error.</summary>
    public static Result<T> Fail(Error error) => error;
}

/// <summary>A write lost a race or hit a uniqueness rule (a store's answer); the message says which.</summary>
public sealed class StoreConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreConflictException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
