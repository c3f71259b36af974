using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Core.PersonalData;

/// <summary>
/// <see cref="IAccountNameProtector"/> under the personal-data master key: the blind index is keyed by a key derived from
/// it (<see cref="PersonalDataCipher.NameIndexKey"/>), a user name is sealed as any personal field (field
/// <see cref="PersonalFields.UserName"/>) under the subject key, which the master key unwraps.
/// </summary>
/// <param name="masterKey">Wraps subject keys; the index key is derived from it.</param>
public sealed class AccountNameProtector(PersonalDataMasterKey masterKey) : IAccountNameProtector
{
    private readonly byte[] indexKey = PersonalDataCipher.NameIndexKey((masterKey ?? throw new ArgumentNullException(nameof(masterKey))).Bytes);

    /// <inheritdoc />
    public byte[] Index(string name) => PersonalDataCipher.NameIndex(indexKey, name);

    /// <inheritdoc />
    public byte[] NewWrappedKey(string subjectId) => PersonalDataCipher.Wrap(masterKey.Bytes, subjectId, PersonalDataCipher.NewKey());

    /// <inheritdoc />
    public string Seal(string subjectId, byte[] wrappedKey, string name) =>
        PersonalDataCipher.Seal(Unwrap(subjectId, wrappedKey), subjectId, PersonalFields.UserName, name);

    /// <inheritdoc />
    public string Open(string subjectId, byte[] wrappedKey, string sealedName) =>
        PersonalDataCipher.TryOpen(Unwrap(subjectId, wrappedKey), subjectId, PersonalFields.UserName, sealedName, out var name)
            ? name
            : throw new InvalidOperationException($"The sealed user name of '{subjectId}' does not open with its key.");

    private byte[] Unwrap(string subjectId, byte[] wrappedKey) =>
        PersonalDataCipher.Unwrap(masterKey.Bytes, subjectId, wrappedKey)
        ?? throw new InvalidOperationException($"The personal-data key of '{subjectId}' does not open with the configured master key.");
}
