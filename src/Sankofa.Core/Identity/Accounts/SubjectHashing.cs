using System.Security.Cryptography;
using System.Text;

namespace Sankofa.Core.Identity.Accounts;

/// <summary>
/// The subject hash registered on chain: HMAC-SHA256 keyed with a random per-account salt kept only in the store.
/// Without the salt nobody can tell whose hash it is; deleting the salt (erasure) makes it unlinkable for good.
/// </summary>
public static class SubjectHashing
{
    /// <summary>Bytes of a fresh salt.</summary>
    public const int SaltLength = 32;

    /// <summary>A fresh random salt.</summary>
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltLength);

    /// <summary>HMAC-SHA256(key: salt, message: UTF-8 of the user name or client id).</summary>
    public static byte[] Hash(byte[] salt, string subject)
    {
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentNullException.ThrowIfNull(subject);
        return HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(subject));
    }
}
