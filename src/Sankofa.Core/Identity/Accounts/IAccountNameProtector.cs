namespace Sankofa.Core.Identity.Accounts;

/// <summary>
/// Keeps account names out of the store in clear (docs/personal-data.md): a keyed blind index finds an account by name
/// and keeps names unique, and a user's name is stored sealed under the user's own key, so erasing the key leaves no name.
/// The account store uses it; the personal-data master key is behind it.
/// </summary>
public interface IAccountNameProtector
{
    /// <summary>
    /// The blind index of a name exactly as stored (lower-case, by <see cref="AccountRules.NameProblem"/>): equal names give
    /// equal indexes, and without the master key nobody can compute one to test a guessed name.
    /// </summary>
    byte[] Index(string name);

    /// <summary>A new subject key, wrapped under the master key, for a subject that has none yet.</summary>
    byte[] NewWrappedKey(string subjectId);

    /// <summary>The user name sealed (<c>pd1:…</c>, field <c>userName</c>) under the subject's key, given wrapped as stored.</summary>
    string Seal(string subjectId, byte[] wrappedKey, string name);

    /// <summary>
    /// The sealed user name opened with the subject's key, given wrapped as stored. Throws when it does not open: the
    /// master key is not the one that made the key, or the stored value was changed; a wrong name is never answered.
    /// </summary>
    string Open(string subjectId, byte[] wrappedKey, string sealedName);
}
