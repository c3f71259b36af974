using Sankofa.Core.Audit;

namespace Sankofa.Core.PersonalData;

/// <summary>
/// Storage port of personal data: each subject's key (wrapped under the master key) and its encrypted profile fields.
/// Nothing here is in the clear; without the master key the rows say nothing, and once a key is destroyed nothing
/// opens its fields again, wherever copies of them went (backups, audit payloads).
/// </summary>
public interface IPersonalDataStore
{
    /// <summary>The subject's key row, or null when it never had one.</summary>
    Task<SubjectKeyRecord?> GetKeyAsync(string subjectId, CancellationToken cancellationToken);

    /// <summary>Some subject's key that is not erased (the oldest), or null when there is none: to check the master key opens the stored keys.</summary>
    Task<SubjectKeyRecord?> GetAnyKeyAsync(CancellationToken cancellationToken);

    /// <summary>Stores the subject's wrapped key unless it has one (or was erased); returns the row stored, which wins a race.</summary>
    Task<SubjectKeyRecord> AddKeyAsync(string subjectId, byte[] wrappedKey, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Stores sealed fields (field → <c>pd1:…</c>), replacing earlier values of those fields.</summary>
    Task StoreFieldsAsync(string subjectId, IReadOnlyDictionary<string, string> sealedFields, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The subject's sealed fields (field → <c>pd1:…</c>).</summary>
    Task<IReadOnlyDictionary<string, string>> GetFieldsAsync(string subjectId, CancellationToken cancellationToken);

    /// <summary>Deletes the subject's key and fields outright (an identity whose creation failed).</summary>
    Task ForgetAsync(string subjectId, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: destroys the subject's key (its row stays, without key, as the record of the erasure), so the
    /// account's sealed name no longer opens, deletes the name's blind index (no one finds it by name, the name is free),
    /// its subject salt and secret hash, removes the payloads of older entries about it that hold
    /// <see cref="SubjectErasure.Name"/> in clear, and stores the audit entry. False, changing nothing, when the subject
    /// was erased already. The account then reads with the name <see cref="SubjectAccessService.TombstoneName"/>.
    /// </summary>
    Task<bool> EraseAsync(SubjectErasure erasure, AuditEvent audit, CancellationToken cancellationToken);
}

/// <summary>A subject's key as stored.</summary>
/// <param name="SubjectId">The identity id.</param>
/// <param name="WrappedKey">The key encrypted under the master key; null once erased.</param>
/// <param name="CreatedAt">When the key was made (or, for a subject that had none, when it was erased).</param>
/// <param name="ErasedAt">When the key was destroyed, or null.</param>
public sealed record SubjectKeyRecord(string SubjectId, byte[]? WrappedKey, DateTimeOffset CreatedAt, DateTimeOffset? ErasedAt);

/// <summary>What an erasure changes in the store.</summary>
/// <param name="SubjectId">The identity id.</param>
/// <param name="Name">The account's name as read before the erasure: older audit payloads holding it in clear are removed.</param>
/// <param name="At">When.</param>
public sealed record SubjectErasure(string SubjectId, string Name, DateTimeOffset At);
