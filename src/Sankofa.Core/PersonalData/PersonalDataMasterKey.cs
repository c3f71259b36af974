namespace Sankofa.Core.PersonalData;

/// <summary>
/// The key that wraps every subject key. It never goes into the store, so a copy of the database (or a backup) alone
/// opens no personal data. Where it comes from is the host's business (configuration or a key file).
/// </summary>
public sealed class PersonalDataMasterKey
{
    private readonly byte[] key;

    /// <summary>Wraps <paramref name="key"/> (32 bytes).</summary>
    public PersonalDataMasterKey(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != PersonalDataCipher.KeyLength)
        {
            throw new ArgumentException($"A master key has {PersonalDataCipher.KeyLength} bytes, not {key.Length}.", nameof(key));
        }

        this.key = [.. key];
    }

    /// <summary>The key bytes.</summary>
    internal byte[] Bytes => key;

    /// <summary>Never prints the key.</summary>
    public override string ToString() => "PersonalDataMasterKey(…)";
}
