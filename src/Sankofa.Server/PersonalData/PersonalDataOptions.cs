namespace Sankofa.Server.PersonalData;

/// <summary>Where the master key of personal data comes from (section <c>PersonalData</c>; docs/personal-data.md).</summary>
public sealed class PersonalDataOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "PersonalData";

    /// <summary>
    /// The master key, 32 bytes in base64 (pass it through the environment, <c>PersonalData__MasterKey</c>, or a secret
    /// store). Every server sharing one database must be given the same key. Unset: the key file is used.
    /// </summary>
    public string? MasterKey { get; set; }

    /// <summary>
    /// The key file used when <see cref="MasterKey"/> is unset; created (mode 0600, 32 random bytes in base64) on first
    /// start. Unset: <c>&lt;DataDirectory&gt;/personal-data.key</c>.
    /// </summary>
    public string? MasterKeyFile { get; set; }

    /// <summary>Leaves the key out, so an accidental log line cannot carry it.</summary>
    public override string ToString() => $"PersonalDataOptions(MasterKey: {(MasterKey is null ? "unset" : "set")}, MasterKeyFile: {MasterKeyFile})";
}
