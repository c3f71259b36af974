using System.Security.Cryptography;
using System.Text;

namespace Sankofa.Core.PersonalData;

/// <summary>
/// The encryption of personal data: AES-256-GCM from the BCL, a random 96-bit nonce per value, and associated data that
/// binds each ciphertext to its subject and field, so a value copied to another subject or field does not open. Subject
/// keys are themselves wrapped the same way under the master key (bound to the subject id).
/// </summary>
public static class PersonalDataCipher
{
    /// <summary>Prefix of a sealed value: <c>pd1:</c> then base64url of nonce ‖ ciphertext ‖ tag.</summary>
    public const string Prefix = "pd1:";

    /// <summary>Bytes of a subject or master key (AES-256).</summary>
    public const int KeyLength = 32;

    private const int NonceLength = 12;
    private const int TagLength = 16;

    /// <summary>A fresh random key.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeyLength);

    /// <summary>Whether a text is a sealed value (it may still not open: another subject's, or erased).</summary>
    public static bool IsSealed(string? text) => text is not null && text.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Encrypts a field's value for a subject.</summary>
    public static string Seal(byte[] subjectKey, string subjectId, string field, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Prefix + Base64Url(Encrypt(subjectKey, Associated("field", subjectId, field), Encoding.UTF8.GetBytes(value)));
    }

    /// <summary>Decrypts a sealed value; false when it is not one, or not this subject's and field's, or was changed.</summary>
    public static bool TryOpen(byte[] subjectKey, string subjectId, string field, string? sealedValue, out string value)
    {
        value = string.Empty;
        if (!IsSealed(sealedValue) || !TryBase64Url(sealedValue![Prefix.Length..], out var bytes)
            || Decrypt(subjectKey, Associated("field", subjectId, field), bytes) is not { } plain)
        {
            return false;
        }

        value = Encoding.UTF8.GetString(plain);
        return true;
    }

    /// <summary>
    /// The key of the account-name blind index: HKDF-SHA256 of the master key (no salt) with the info
    /// <c>sankofa.personal-data.v1\nname-index</c>, 32 bytes. Derived, so the master key itself never keys an HMAC whose
    /// output is stored; one for all subjects, since a lookup must find the row before it knows whose it is.
    /// </summary>
    public static byte[] NameIndexKey(byte[] masterKey)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, KeyLength, salt: [], info: Encoding.UTF8.GetBytes("sankofa.personal-data.v1\nname-index"));
    }

    /// <summary>The blind index of an account name: HMAC-SHA256 under <see cref="NameIndexKey"/> of the name's UTF-8 bytes, exactly as given.</summary>
    public static byte[] NameIndex(byte[] indexKey, string name)
    {
        ArgumentNullException.ThrowIfNull(indexKey);
        ArgumentNullException.ThrowIfNull(name);
        return HMACSHA256.HashData(indexKey, Encoding.UTF8.GetBytes(name));
    }

    /// <summary>A subject key encrypted under the master key, bound to the subject id.</summary>
    public static byte[] Wrap(byte[] masterKey, string subjectId, byte[] subjectKey) => Encrypt(masterKey, Associated("key", subjectId, ""), subjectKey);

    /// <summary>The subject key of <see cref="Wrap"/>; null when the master key or subject differ or the bytes were changed.</summary>
    public static byte[]? Unwrap(byte[] masterKey, string subjectId, byte[] wrapped) => Decrypt(masterKey, Associated("key", subjectId, ""), wrapped);

    private static byte[] Associated(string kind, string subjectId, string field)
    {
        ArgumentNullException.ThrowIfNull(subjectId);
        ArgumentNullException.ThrowIfNull(field);
        return Encoding.UTF8.GetBytes($"sankofa.personal-data.v1\n{kind}\n{subjectId}\n{field}");
    }

    private static byte[] Encrypt(byte[] key, byte[] associated, byte[] plain)
    {
        ArgumentNullException.ThrowIfNull(key);
        var output = new byte[NonceLength + plain.Length + TagLength];
        var nonce = output.AsSpan(0, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagLength);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceLength, plain.Length), output.AsSpan(NonceLength + plain.Length), associated);
        return output;
    }

    private static byte[]? Decrypt(byte[] key, byte[] associated, byte[] sealedBytes)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(sealedBytes);
        if (sealedBytes.Length < NonceLength + TagLength)
        {
            return null;
        }

        var length = sealedBytes.Length - NonceLength - TagLength;
        var plain = new byte[length];
        using var aes = new AesGcm(key, TagLength);
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceLength), sealedBytes.AsSpan(NonceLength, length), sealedBytes.AsSpan(NonceLength + length), plain, associated);
            return plain;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryBase64Url(string text, out byte[] bytes)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        bytes = new byte[padded.Length];
        if (!Convert.TryFromBase64String(padded, bytes, out var written))
        {
            return false;
        }

        bytes = bytes[..written];
        return true;
    }
}
