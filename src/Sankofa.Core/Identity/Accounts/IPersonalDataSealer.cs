namespace Sankofa.Core.Identity.Accounts;

/// <summary>
/// Keeps an identity's personal data encrypted under a key of its own, so that destroying that key (erasure) makes every
/// copy unreadable at once: the profile fields here and the personal parts of audit payloads, which are sealed before
/// they are hashed. Implemented by the personal-data vault; identities only seal and store.
/// </summary>
public interface IPersonalDataSealer
{
    /// <summary>
    /// Encrypts <paramref name="value"/> under the subject's key (made on first use) for <paramref name="field"/>: the
    /// sealed text (<c>pd1:…</c>) may be hashed and anchored, since without the key it says nothing. Inside a JSON payload,
    /// <paramref name="field"/> is the property's name, so that an export finds and opens it.
    /// </summary>
    Task<string> SealAsync(string subjectId, string field, string value, CancellationToken cancellationToken);

    /// <summary>Stores profile fields (field → value) encrypted under the subject's key, replacing earlier values of those fields.</summary>
    Task StoreAsync(string subjectId, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken);

    /// <summary>Drops the subject's key and fields outright: for an identity whose creation failed after its data was sealed.</summary>
    Task ForgetAsync(string subjectId, CancellationToken cancellationToken);
}
