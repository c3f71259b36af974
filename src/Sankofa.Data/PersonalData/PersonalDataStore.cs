using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Core.PersonalData;
using Sankofa.Data.Audit;
using Sankofa.Data.Identity;

namespace Sankofa.Data.PersonalData;

/// <summary>EF Core implementation of <see cref="IPersonalDataStore"/> for SQLite and PostgreSQL.</summary>
internal sealed class PersonalDataStore(IStoreContextFactory contexts, TimeProvider time) : IPersonalDataStore
{
    public async Task<SubjectKeyRecord?> GetKeyAsync(string subjectId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.Set<PersonalDataKeyRow>().AsNoTracking().FirstOrDefaultAsync(k => k.SubjectId == subjectId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<SubjectKeyRecord?> GetAnyKeyAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.Set<PersonalDataKeyRow>().AsNoTracking().Where(k => k.WrappedKey != null).OrderBy(k => k.CreatedAtMs).ThenBy(k => k.SubjectId)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<SubjectKeyRecord> AddKeyAsync(string subjectId, byte[] wrappedKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await AuditedWrite.RunAsync(contexts, time, null, async db =>
            {
                if (await db.Set<PersonalDataKeyRow>().AnyAsync(k => k.SubjectId == subjectId, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }

                db.Set<PersonalDataKeyRow>().Add(new PersonalDataKeyRow { SubjectId = subjectId, WrappedKey = wrappedKey, CreatedAtMs = now.ToUnixTimeMilliseconds() });
                return true;
            }, $"The personal-data key of '{subjectId}'", cancellationToken).ConfigureAwait(false);
        }
        catch (StoreConflictException)
        {
            // Another server made the subject's key at the same moment: its key wins, and is read below.
        }

        return (await GetKeyAsync(subjectId, cancellationToken).ConfigureAwait(false))!;
    }

    public Task StoreFieldsAsync(string subjectId, IReadOnlyDictionary<string, string> sealedFields, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sealedFields);
        return AuditedWrite.RunAsync(contexts, time, null, async db =>
        {
            var names = sealedFields.Keys.ToList();
            var rows = await db.Set<PersonalDataFieldRow>().Where(f => f.SubjectId == subjectId && names.Contains(f.Field)).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (field, value) in sealedFields)
            {
                if (rows.FirstOrDefault(r => r.Field == field) is { } row)
                {
                    row.SealedValue = value;
                    row.UpdatedAtMs = now.ToUnixTimeMilliseconds();
                }
                else
                {
                    db.Set<PersonalDataFieldRow>().Add(new PersonalDataFieldRow { SubjectId = subjectId, Field = field, SealedValue = value, UpdatedAtMs = now.ToUnixTimeMilliseconds() });
                }
            }

            return true;
        }, $"Personal data of '{subjectId}'", cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, string>> GetFieldsAsync(string subjectId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        return await db.Set<PersonalDataFieldRow>().AsNoTracking().Where(f => f.SubjectId == subjectId)
            .ToDictionaryAsync(f => f.Field, f => f.SealedValue, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
    }

    public Task ForgetAsync(string subjectId, CancellationToken cancellationToken) =>
        AuditedWrite.RunAsync(contexts, time, null, async db =>
        {
            await db.Set<PersonalDataFieldRow>().Where(f => f.SubjectId == subjectId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.Set<PersonalDataKeyRow>().Where(k => k.SubjectId == subjectId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, $"Personal data of '{subjectId}'", cancellationToken);

    public async Task<bool> EraseAsync(SubjectErasure erasure, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        var erased = false;
        var at = erasure.At.ToUnixTimeMilliseconds();
        await AuditedWrite.RunAsync(contexts, time, audit, async db =>
        {
            var key = await db.Set<PersonalDataKeyRow>().FirstOrDefaultAsync(k => k.SubjectId == erasure.SubjectId, cancellationToken).ConfigureAwait(false);
            if (key?.ErasedAtMs is not null)
            {
                return false;
            }

            if (key is null)
            {
                // A subject that never had a key (created before personal data was kept) still gets the record of its erasure.
                db.Set<PersonalDataKeyRow>().Add(new PersonalDataKeyRow { SubjectId = erasure.SubjectId, CreatedAtMs = at, ErasedAtMs = at });
            }
            else
            {
                key.WrappedKey = null;
                key.ErasedAtMs = at;
            }

            // The ciphertexts stay, unreadable for good, as their copies in backups are: that is what crypto-shredding means.
            var account = await db.Set<AccountRow>().FirstOrDefaultAsync(a => a.Id == erasure.SubjectId, cancellationToken).ConfigureAwait(false);
            if (account is not null)
            {
                // Entries written before user names were sealed in payloads hold this one in clear, in a payload whose hash
                // is anchored: the payload goes and its hash stays, so the entry and its proof still verify (a verifier
                // accepts an entry without its payload) while the name is no longer in the log.
                var clearName = JsonSerializer.Serialize(erasure.Name);
                var subject = "identity:" + erasure.SubjectId;
                await db.AuditEntries.Where(e => e.Subject == subject && e.Payload != null && e.Payload.Contains(clearName))
                    .ExecuteUpdateAsync(u => u.SetProperty(e => e.Payload, (string?)null), cancellationToken).ConfigureAwait(false);
                // The sealed name stays, unreadable as the fields; without its index no one finds the account by name, and the
                // name is free for a new account. A name an older version kept in clear goes too.
                account.NameIndex = null;
                account.Name = null;
                account.SubjectSalt = null;
                account.SecretHash = string.Empty;
                account.MustChangePassword = false;
                account.UpdatedAtMs = at;
                account.Version++;
            }

            erased = true;
            return true;
        }, $"Identity '{erasure.SubjectId}'", cancellationToken).ConfigureAwait(false);
        return erased;
    }

    private static SubjectKeyRecord ToDomain(PersonalDataKeyRow row) => new(
        row.SubjectId, row.WrappedKey, DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAtMs),
        row.ErasedAtMs is { } erased ? DateTimeOffset.FromUnixTimeMilliseconds(erased) : null);
}
