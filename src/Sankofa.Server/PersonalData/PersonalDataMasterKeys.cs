using Microsoft.Extensions.Options;
using Sankofa.Core;
using Sankofa.Core.PersonalData;
using Sankofa.Ledger.Keys;

namespace Sankofa.Server.PersonalData;

/// <summary>Reads the configured master key, or the key file (made on first start).</summary>
internal static class PersonalDataMasterKeys
{
    /// <summary>The file's name in the data directory when none is configured.</summary>
    public const string DefaultFileName = "personal-data.key";

    public static PersonalDataMasterKey Load(PersonalDataOptions options, IConfiguration configuration)
    {
        if (options.MasterKey is { Length: > 0 } configured)
        {
            return new PersonalDataMasterKey(Decode(configured, "PersonalData:MasterKey"));
        }

        var path = options.MasterKeyFile is { Length: > 0 } file
            ? DataDirectory.Resolve(file)
            : Path.Combine(DataDirectory.Resolve(configuration[DataDirectory.Key]), DefaultFileName);
        var text = SecretFile.CreateOrRead(path, () => Convert.ToBase64String(PersonalDataCipher.NewKey()));
        return new PersonalDataMasterKey(Decode(text.Trim(), $"PersonalData:MasterKeyFile ({path})"));
    }

    /// <summary>Whether <paramref name="text"/> is a master key: 32 bytes in base64.</summary>
    public static bool IsKey(string text) => TryDecode(text, out _);

    private static byte[] Decode(string text, string setting) =>
        TryDecode(text, out var key)
            ? key
            : throw new OptionsValidationException(setting, typeof(PersonalDataOptions), [$"{setting} must be {PersonalDataCipher.KeyLength} bytes in base64."]);

    private static bool TryDecode(string text, out byte[] key)
    {
        var bytes = new byte[text.Length];
        var ok = Convert.TryFromBase64String(text.Trim(), bytes, out var written) && written == PersonalDataCipher.KeyLength;
        key = ok ? bytes[..written] : [];
        return ok;
    }
}
