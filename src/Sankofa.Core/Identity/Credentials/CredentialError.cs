namespace Sankofa.Core.Identity.Credentials;

/// <summary>Why a credential was not issued; the API maps each kind to a status.</summary>
public enum CredentialErrorKind
{
    /// <summary>A field is missing, malformed or out of range: 400.</summary>
    Invalid,

    /// <summary>The chain knows no such identity: 404.</summary>
    NotFound,

    /// <summary>The identity is suspended or revoked: 409.</summary>
    NotActive,

    /// <summary>The identity does not hold the role within the scope on chain: 409.</summary>
    RoleNotGranted,
}

/// <summary>A refused issuance, with the fields at fault.</summary>
/// <param name="Kind">What kind of refusal.</param>
/// <param name="Message">For a person.</param>
/// <param name="Fields">Field name (as the API spells it) → problems.</param>
public sealed record CredentialError(CredentialErrorKind Kind, string Message, IReadOnlyDictionary<string, string[]> Fields)
{
    /// <summary>A 400 naming the fields.</summary>
    public static CredentialError Invalid(IReadOnlyDictionary<string, string[]> fields) => new(CredentialErrorKind.Invalid, "One or more fields are invalid.", fields);

    /// <summary>A refusal about one field.</summary>
    public static CredentialError Of(CredentialErrorKind kind, string field, string message) =>
        new(kind, message, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>Either an issued credential or a <see cref="CredentialError"/>.</summary>
/// <typeparam name="T">The value's type.</typeparam>
public sealed class CredentialResult<T>
{
    private CredentialResult(T? value, CredentialError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value, when the call succeeded.</summary>
    public T? Value { get; }

    /// <summary>The error, when it did not.</summary>
    public CredentialError? Error { get; }

    /// <summary>Wraps a value.</summary>
    public static CredentialResult<T> Ok(T value) => new(value, null);

    /// <summary>Wraps an error.</summary>
    public static implicit operator CredentialResult<T>(CredentialError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>Wraps an error.</summary>
    public static CredentialResult<T> Fail(CredentialError error) => error;
}
