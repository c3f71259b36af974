using Microsoft.EntityFrameworkCore;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Data.Provisioning;

namespace Sankofa.Data.Audit;

/// <summary>
/// A mutation and its audit entry in one transaction, one writer at a time (SQLite has one): the audit entry is validated
/// before anything is written, and a lost race or a taken key is a <see cref="StoreConflictException"/>.
/// </summary>
internal static class AuditedWrite
{
    /// <param name="contexts">The store.</param>
    /// <param name="time">When the entry is recorded.</param>
    /// <param name="audit">The entry; null to write none.</param>
    /// <param name="mutate">The change; false: nothing to write (no entry either).</param>
    /// <param name="what">What is written, for conflict messages ("Price book 3").</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static async Task RunAsync(
        IStoreContextFactory contexts, TimeProvider time, AuditEvent? audit, Func<SankofaDbContext, Task<bool>> mutate, string what, CancellationToken cancellationToken)
    {
        var entry = audit is null ? null : EntryOf(audit, time);
        using var turn = await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (!await mutate(db).ConfigureAwait(false))
        {
            return;
        }

        if (entry is not null)
        {
            db.AuditEntries.Add(AuditEntryRow.From(entry));
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException ex)
        {
            throw new StoreConflictException($"{what} changed meanwhile.", ex);
        }
        catch (DbUpdateException ex) when (ProvisioningStore.IsUniqueViolation(ex.InnerException))
        {
            throw new StoreConflictException($"{what} exists already.", ex);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The entry of <paramref name="audit"/>, validated (<see cref="AuditValidationException"/> naming each bad field) and timed now.</summary>
    public static NewAuditEntry EntryOf(AuditEvent audit, TimeProvider time)
    {
        var errors = AuditEventRules.Validate(audit);
        return errors.Count > 0
            ? throw new AuditValidationException(errors)
            : new NewAuditEntry(time.GetUtcNow(), audit.Actor, audit.Action, audit.Subject, audit.Payload, AuditHashing.PayloadHash(audit.Payload));
    }
}
