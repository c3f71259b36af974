using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Core.PersonalData;

/// <summary>
/// Seals and opens personal data under per-subject keys (made on first use, stored wrapped under the master key).
/// Opening never fails loudly: a value whose key was destroyed (erased) or that is not this subject's reads as absent.
/// </summary>
/// <param name="store">Keys and fields.</param>
/// <param name="masterKey">Wraps subject keys.</param>
/// <param name="time">The clock.</param>
public sealed class PersonalDataVault(IPersonalDataStore store, PersonalDataMasterKey masterKey, TimeProvider time) : IPersonalDataSealer
{
    /// <inheritdoc />
    public async Task<string> SealAsync(string subjectId, string field, string value, CancellationToken cancellationToken) =>
        PersonalDataCipher.Seal(await KeyForSealingAsync(subjectId, cancellationToken).ConfigureAwait(false), subjectId, field, value);

    /// <inheritdoc />
    public async Task StoreAsync(string subjectId, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0)
        {
            return;
        }

        var key = await KeyForSealingAsync(subjectId, cancellationToken).ConfigureAwait(false);
        var sealedFields = fields.ToDictionary(f => f.Key, f => PersonalDataCipher.Seal(key, subjectId, f.Key, f.Value), StringComparer.Ordinal);
        await store.StoreFieldsAsync(subjectId, sealedFields, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task ForgetAsync(string subjectId, CancellationToken cancellationToken) => store.ForgetAsync(subjectId, cancellationToken);

    /// <summary>
    /// Whether the master key opens the keys already stored (true when there are none): false means this server was
    /// given another master key than the servers that stored them.
    /// </summary>
    public async Task<bool> OpensStoredKeysAsync(CancellationToken cancellationToken) =>
        await store.GetAnyKeyAsync(cancellationToken).ConfigureAwait(false) is not { WrappedKey: { } wrapped } sample
        || PersonalDataCipher.Unwrap(masterKey.Bytes, sample.SubjectId, wrapped) is not null;

    /// <summary>The subject's key as it stands: open (with the key), erased, or never made.</summary>
    public async Task<SubjectKey> GetKeyAsync(string subjectId, CancellationToken cancellationToken)
    {
        var row = await store.GetKeyAsync(subjectId, cancellationToken).ConfigureAwait(false);
        return row switch
        {
            null => new SubjectKey(subjectId, null, null),
            { WrappedKey: null } => new SubjectKey(subjectId, null, row.ErasedAt ?? row.CreatedAt),
            _ => new SubjectKey(subjectId, PersonalDataCipher.Unwrap(masterKey.Bytes, subjectId, row.WrappedKey)
                                           ?? throw new InvalidOperationException($"The personal-data key of '{subjectId}' does not open with the configured master key."), null),
        };
    }

    /// <summary>The subject's profile fields, opened; a field whose key is gone is absent.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadFieldsAsync(SubjectKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var sealedFields = await store.GetFieldsAsync(key.SubjectId, cancellationToken).ConfigureAwait(false);
        var open = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, value) in sealedFields)
        {
            if (key.Open(field, value) is { } plain)
            {
                open[field] = plain;
            }
        }

        return open;
    }

    private async Task<byte[]> KeyForSealingAsync(string subjectId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        var row = await store.GetKeyAsync(subjectId, cancellationToken).ConfigureAwait(false)
                  ?? await store.AddKeyAsync(subjectId, PersonalDataCipher.Wrap(masterKey.Bytes, subjectId, PersonalDataCipher.NewKey()), time.GetUtcNow(), cancellationToken)
                      .ConfigureAwait(false);
        return row.WrappedKey is null
            ? throw new InvalidOperationException($"The personal data of '{subjectId}' was erased; nothing new is sealed for it.")
            : PersonalDataCipher.Unwrap(masterKey.Bytes, subjectId, row.WrappedKey)
              ?? throw new InvalidOperationException($"The personal-data key of '{subjectId}' does not open with the configured master key.");
    }
}

/// <summary>A subject's key as the vault found it.</summary>
/// <param name="SubjectId">The identity id.</param>
/// <param name="Key">The open key; null when erased or never made.</param>
/// <param name="ErasedAt">When it was destroyed; null when not erased.</param>
public sealed record SubjectKey(string SubjectId, byte[]? Key, DateTimeOffset? ErasedAt)
{
    /// <summary>Whether the subject's personal data was erased.</summary>
    public bool Erased => ErasedAt is not null;

    /// <summary>A sealed value of this subject, opened; null when it does not open (erased, another subject's, changed, or not sealed).</summary>
    public string? Open(string field, string? sealedValue) =>
        Key is not null && PersonalDataCipher.TryOpen(Key, SubjectId, field, sealedValue, out var plain) ? plain : null;

    /// <summary>Leaves the key out.</summary>
    public override string ToString() => $"SubjectKey({SubjectId}, {(Erased ? "erased" : Key is null ? "none" : "open")})";
}
