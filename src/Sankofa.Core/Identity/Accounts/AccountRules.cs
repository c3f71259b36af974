using Sankofa.Core.Access;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Sankofa.Core.Identity.Accounts;

/// <summary>What makes user names, client ids, passwords and role grants acceptable; errors name the API's fields.</summary>
public static partial class AccountRules
{
    /// <summary>Longest password accepted: hashing is deliberately slow, so an unbounded input would be a cheap way to burn CPU.</summary>
    public const int MaxPasswordLength = 256;

    // No look-alikes (0/O, 1/l/I), so a password read off a terminal is typed right the first time.
    private const string PasswordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.!";

    /// <summary>Checks a user name or client id: 3–64 characters, lower-case letters, digits, '.', '_' and '-', starting with a letter.</summary>
    public static string? NameProblem(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "Required."
        : Name().IsMatch(name) ? null
        : "Must be 3–64 characters: lower-case letters, digits, '.', '_' and '-', starting with a letter.";

    /// <summary>Checks a password against the rules: long enough, not too long, not the user name.</summary>
    public static string? PasswordProblem(string? password, string? userName, int minLength)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "Required.";
        }

        if (password.Length < minLength)
        {
            return $"Must be at least {minLength} characters.";
        }

        if (password.Length > MaxPasswordLength)
        {
            return $"Must be at most {MaxPasswordLength} characters.";
        }

        return userName is not null && string.Equals(password.Trim(), userName.Trim(), StringComparison.OrdinalIgnoreCase)
            ? "Must not be the user name."
            : null;
    }

    /// <summary>Parses role grants written <c>role</c> or <c>role@scope</c>; errors are keyed <c>{field}[i]</c>.</summary>
    public static IReadOnlyList<RoleGrant> ParseRoles(IReadOnlyList<string>? values, string field, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var grants = new List<RoleGrant>();
        for (var i = 0; i < (values?.Count ?? 0); i++)
        {
            if (ParseRole(values![i]) is { } grant)
            {
                if (!grants.Contains(grant))
                {
                    grants.Add(grant);
                }
            }
            else
            {
                errors[$"{field}[{i}]"] = [RoleProblem(values[i])];
            }
        }

        return grants;
    }

    /// <summary>A grant from its claim form, or null when <see cref="RoleGrant.TryParse"/> refuses it or the scope is malformed.</summary>
    public static RoleGrant? ParseRole(string? value) =>
        RoleGrant.TryParse(value, out var grant) && (grant.Scope is null || Scope().IsMatch(grant.Scope)) ? grant : null;

    /// <summary>Why a role grant is refused, for the field's error.</summary>
    public static string RoleProblem(string? value)
    {
        var at = value?.IndexOf('@', StringComparison.Ordinal) ?? -1;
        var role = at < 0 ? value : value![..at];
        if (string.IsNullOrWhiteSpace(role) || !Roles.All.Contains(role))
        {
            return $"Unknown role '{role}'; one of: {string.Join(", ", Roles.All)}.";
        }

        if (Roles.IsPlatformOnly(role) && at >= 0)
        {
            return $"{role} is platform-wide: write it without '@scope'.";
        }

        return Roles.IsScoped(role) && at < 0
            ? $"{role} is granted within a tenant (or, for site-agent, a site): write '{role}@<id>'."
            : "The scope must be a tenant or site id: 1–64 lower-case letters, digits and dashes.";
    }

    /// <summary>A random password of the given length from an alphabet without look-alike characters.</summary>
    public static string GeneratePassword(int length) => RandomNumberGenerator.GetString(PasswordAlphabet, length);

    /// <summary>Shortest client secret accepted when one is given rather than generated (a generated one has 43).</summary>
    public const int MinClientSecretLength = 32;

    /// <summary>A random client secret: 32 bytes, base64url (43 characters).</summary>
    public static string GenerateClientSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A new account id: <c>usr-</c> or <c>svc-</c> and 16 random hex digits.</summary>
    public static string NewId(AccountKind kind) =>
        (kind == AccountKind.User ? "usr-" : "svc-") + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    [GeneratedRegex("^[a-z][a-z0-9._-]{2,63}$")]
    private static partial Regex Name();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex Scope();
}
