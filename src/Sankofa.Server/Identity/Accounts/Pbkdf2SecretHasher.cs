using Microsoft.AspNetCore.Identity;
using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Server.Identity.Accounts;

/// <summary>
/// Passwords and client secrets hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>: PBKDF2 with
/// HMAC-SHA512, 100,000 iterations, a 128-bit random salt per hash, in a versioned format (so the parameters can be
/// raised later and old hashes still verify). It is in the shared framework: no package to pin, audited and FIPS-friendly.
/// </summary>
internal sealed class Pbkdf2SecretHasher : ISecretHasher
{
    // The hasher ignores the user object; one placeholder serves every call.
    private static readonly object Nobody = new();

    private readonly PasswordHasher<object> hasher = new();

    public string Hash(string secret) => hasher.HashPassword(Nobody, secret);

    public bool Verify(string hash, string secret)
    {
        try
        {
            return hasher.VerifyHashedPassword(Nobody, hash, secret) != PasswordVerificationResult.Failed;
        }
        catch (FormatException)
        {
            // A stored hash that is not one of ours never matches.
            return false;
        }
    }
}
