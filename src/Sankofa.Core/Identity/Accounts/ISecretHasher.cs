namespace Sankofa.Core.Identity.Accounts;

/// <summary>
/// Hashes passwords and client secrets for storage and checks them. Implemented outside Core (the server uses ASP.NET
/// Core Identity's PBKDF2 hasher) so Core stays free of infrastructure packages.
/// </summary>
public interface ISecretHasher
{
    /// <summary>A self-describing hash (algorithm, parameters, salt and digest) of the secret.</summary>
    string Hash(string secret);

    /// <summary>Whether the secret matches the stored hash, in time that does not depend on where they differ.</summary>
    bool Verify(string hash, string secret);
}
