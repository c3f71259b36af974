using System.Net.Mail;

namespace Sankofa.Core.Identity.Accounts;

/// <summary>
/// The personal fields a user may have besides the user name: a display name and an e-mail address. Stored only
/// encrypted under the user's own key (<see cref="IPersonalDataSealer"/>), and erasable with it.
/// </summary>
public static class PersonalFields
{
    /// <summary>Field name of the e-mail address.</summary>
    public const string Email = "email";

    /// <summary>Field name of the display name.</summary>
    public const string DisplayName = "displayName";

    /// <summary>Field name of the user name: sealed on the account row (<see cref="IAccountNameProtector"/>) and opened in an export.</summary>
    public const string UserName = "userName";

    /// <summary>Longest e-mail address (RFC 5321's path limit).</summary>
    public const int MaxEmailLength = 254;

    /// <summary>Longest display name.</summary>
    public const int MaxDisplayNameLength = 200;

    /// <summary>
    /// Checks the optional fields and adds a problem per bad one to <paramref name="errors"/> (named as the request
    /// names them); returns the fields given, trimmed, for storing.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Validate(string? email, string? displayName, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (email is not null)
        {
            var trimmed = email.Trim();
            if (trimmed.Length is 0 or > MaxEmailLength || !MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed || parsed.DisplayName.Length > 0)
            {
                errors[Email] = [$"Must be one e-mail address (name@domain), at most {MaxEmailLength} characters."];
            }
            else
            {
                fields[Email] = trimmed;
            }
        }

        if (displayName is not null)
        {
            var trimmed = displayName.Trim();
            if (trimmed.Length is 0 or > MaxDisplayNameLength || trimmed.Any(char.IsControl))
            {
                errors[DisplayName] = [$"1 to {MaxDisplayNameLength} characters, no control characters."];
            }
            else
            {
                fields[DisplayName] = trimmed;
            }
        }

        return fields;
    }
}
