using Microsoft.EntityFrameworkCore;
using Sankofa.Core.Audit;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.PersonalData;
using Sankofa.Data.Audit;
using Sankofa.Data.PersonalData;

namespace Sankofa.Data.Identity;

/// <summary>
/// EF Core implementation of <see cref="IAccountStore"/> for SQLite and PostgreSQL. Each change, the chain steps it
/// queues and its audit entry are written in one transaction. Identity writes are rare, so plain change tracking will do.
/// No user name is stored in clear: accounts are found by the name's blind index, and a user's name is sealed under its
/// own key (made here if the user has none yet) and opened on every read; a service's client id, which is no person's,
/// stays in clear beside its index (docs/personal-data.md).
/// </summary>
internal sealed class AccountStore(IStoreContextFactory contexts, TimeProvider time, IAccountNameProtector names) : IAccountStore
{
    private const string Pending = "pending";
    private const string Done = "done";
    private const string Failed = "failed";

    public Task CreateAsync(StoredAccount account, IReadOnlyList<ChainStep> steps, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(steps);
        var user = account.Kind == AccountKind.User;
        return WriteAsync(audit, async db =>
        {
            db.Set<AccountRow>().Add(new AccountRow
            {
                Id = account.Id, Kind = Word(account.Kind), Name = user ? null : account.Name, NameIndex = names.Index(account.Name),
                SealedName = user ? names.Seal(account.Id, await SubjectKeyAsync(db, account.Id, cancellationToken).ConfigureAwait(false), account.Name) : null,
                SecretHash = account.SecretHash,
                MustChangePassword = account.MustChangePassword, Status = account.Status.ToWord(), Controller = account.Controller,
                SubjectSalt = account.SubjectSalt, CreatedAtMs = Ms(account.CreatedAt), UpdatedAtMs = Ms(account.UpdatedAt), Version = 0,
                ChainStatus = IdentityStatus.None.ToWord(),
            });
            db.Set<AccountRoleRow>().AddRange(account.Roles.Select(g => RoleRow(account.Id, g)));
            AddSteps(db, account.Id, steps);
        }, cancellationToken);
    }

    public async Task<StoredAccount> UpdateAsync(StoredAccount updated, IReadOnlyList<ChainStep> steps, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(steps);
        await WriteAsync(audit, async db =>
        {
            var row = await db.Set<AccountRow>().FirstOrDefaultAsync(a => a.Id == updated.Id, cancellationToken).ConfigureAwait(false);
            if (row is null || row.Version != updated.Version)
            {
                throw new AccountConflictException($"Identity '{updated.Id}' changed meanwhile.");
            }

            row.SecretHash = updated.SecretHash;
            row.MustChangePassword = updated.MustChangePassword;
            row.Status = updated.Status.ToWord();
            row.SubjectSalt = updated.SubjectSalt;
            row.UpdatedAtMs = Ms(updated.UpdatedAt);
            row.Version = updated.Version + 1;
            var roles = await db.Set<AccountRoleRow>().Where(r => r.AccountId == updated.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            var wanted = updated.Roles.Select(g => (g.Role, Scope: g.Scope ?? string.Empty)).ToHashSet();
            db.Set<AccountRoleRow>().RemoveRange(roles.Where(r => !wanted.Contains((r.Role, r.Scope))));
            var held = roles.Select(r => (r.Role, r.Scope)).ToHashSet();
            db.Set<AccountRoleRow>().AddRange(updated.Roles.Where(g => !held.Contains((g.Role, g.Scope ?? string.Empty))).Select(g => RoleRow(updated.Id, g)));
            AddSteps(db, updated.Id, steps);
        }, cancellationToken).ConfigureAwait(false);
        return (await GetAsync(updated.Id, cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<StoredAccount?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await WithStepCounts(db, db.Set<AccountRow>().AsNoTracking().Where(a => a.Id == id)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return row is null ? null : (await ToDomainAsync(db, [row], cancellationToken).ConfigureAwait(false))[0];
    }

    public async Task<StoredAccount?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var index = names.Index(name);
        await using var db = contexts.Create();
        var row = await WithStepCounts(db, db.Set<AccountRow>().AsNoTracking().Where(a => a.NameIndex == index)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return row is null ? null : (await ToDomainAsync(db, [row], cancellationToken).ConfigureAwait(false))[0];
    }

    public async Task<int> ProtectClearNamesAsync(int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var user = Word(AccountKind.User);
        var changed = 0;
        // A cursor on seq, so a row another server protected meanwhile, or one that cannot be, is passed once and the loop ends.
        for (var after = 0L; ;)
        {
            List<ClearName> batch;
            await using (var db = contexts.Create())
            {
                batch = await db.Set<AccountRow>().AsNoTracking()
                    .Where(a => a.Seq > after && a.Name != null && (a.Kind == user || a.NameIndex == null))
                    .OrderBy(a => a.Seq).Take(batchSize)
                    .Select(a => new ClearName(a.Seq, a.Id, a.Kind == user, a.Name!))
                    .ToListAsync(cancellationToken).ConfigureAwait(false);
            }

            if (batch.Count == 0)
            {
                return changed;
            }

            foreach (var row in batch)
            {
                changed += await ProtectAsync(row, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }

            after = batch[^1].Seq;
        }
    }

    /// <summary>
    /// Protects one row stored in the old form. Every update matches the row only while it still holds the name it was read
    /// with, so of several servers doing this at once one changes it and the others change nothing.
    /// </summary>
    private async Task<bool> ProtectAsync(ClearName row, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var changed = false;
            try
            {
                await AuditedWrite.RunAsync(contexts, time, null, async db =>
                {
                    // Committed only when the row changed (true), with the key made for it if any; otherwise rolled back.
                    var unchanged = db.Set<AccountRow>().Where(a => a.Id == row.Id && a.Name == row.Name);
                    if (row.Name == SubjectAccessService.TombstoneName(row.Id))
                    {
                        // Erased by an older version, which wrote the placeholder into the name: no name is left to protect.
                        changed = await unchanged.ExecuteUpdateAsync(u => u.SetProperty(a => a.Name, (string?)null), cancellationToken).ConfigureAwait(false) == 1;
                        return changed;
                    }

                    var index = names.Index(row.Name);
                    if (!row.User)
                    {
                        changed = await unchanged.Where(a => a.NameIndex == null)
                            .ExecuteUpdateAsync(u => u.SetProperty(a => a.NameIndex, index), cancellationToken).ConfigureAwait(false) == 1;
                        return changed;
                    }

                    // A user created before personal data was kept gets its key now, committed with its sealed name or not at all.
                    var sealedName = names.Seal(row.Id, await SubjectKeyAsync(db, row.Id, cancellationToken).ConfigureAwait(false), row.Name);
                    changed = await unchanged.ExecuteUpdateAsync(u => u
                        .SetProperty(a => a.NameIndex, index).SetProperty(a => a.SealedName, sealedName).SetProperty(a => a.Name, (string?)null),
                        cancellationToken).ConfigureAwait(false) == 1;
                    return changed;
                }, $"The name of identity '{row.Id}'", cancellationToken).ConfigureAwait(false);
                return changed;
            }
            catch (Core.StoreConflictException) when (attempt == 0)
            {
                // Someone made this subject's key at the same moment (rolled back with our update): again, with that key.
            }
            catch (System.Data.Common.DbException ex) when (Provisioning.ProvisioningStore.IsUniqueViolation(ex))
            {
                // Another account holds this name's index already (made beside the old row while versions were mixed): this row
                // stays as it was, found by no name, rather than stop the server.
                return false;
            }
        }
    }

    public async Task<AccountPage> ListAsync(AccountQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = contexts.Create();
        var q = db.Set<AccountRow>().AsNoTracking();
        if (query.Kind is { } kind)
        {
            var word = Word(kind);
            q = q.Where(a => a.Kind == word);
        }

        if (query.Status is { } status)
        {
            var word = status.ToWord();
            q = q.Where(a => a.Status == word);
        }

        if (query.Scope is { } scope)
        {
            q = q.Where(a => db.Set<AccountRoleRow>().Any(r => r.AccountId == a.Id && r.Scope == scope));
        }

        if (query.Before is { } before)
        {
            q = q.Where(a => a.Seq < before);
        }

        var rows = await WithStepCounts(db, q.OrderByDescending(a => a.Seq).Take(query.Limit + 1)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var more = rows.Count > query.Limit;
        var page = rows.Take(query.Limit).ToList();
        var items = await ToDomainAsync(db, page, cancellationToken).ConfigureAwait(false);
        return new AccountPage(items, more ? page[^1].Row.Seq : null);
    }

    public async Task<int> CountInScopeAsync(string scope, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var revoked = IdentityStatus.Revoked.ToWord();
        return await db.Set<AccountRow>()
            .CountAsync(a => a.Status != revoked && db.Set<AccountRoleRow>().Any(r => r.AccountId == a.Id && r.Scope == scope), cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<bool> AnyHoldsRoleAsync(string role, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        return await db.Set<AccountRoleRow>().AnyAsync(r => r.Role == role, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PendingChainStep>> GetPendingStepsAsync(int max, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.Set<AccountChainStepRow>().AsNoTracking().Where(s => s.State == Pending).OrderBy(s => s.Id).Take(max)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToDomain)];
    }

    public async Task<IReadOnlyList<PendingChainStep>> GetStepsAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.Set<AccountChainStepRow>().AsNoTracking().Where(s => s.AccountId == accountId).OrderBy(s => s.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToDomain)];
    }

    public Task CompleteStepAsync(long stepId, ChainStepReceipt receipt, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return WriteAsync(audit, async db =>
        {
            var step = await PendingStepAsync(db, stepId, cancellationToken).ConfigureAwait(false);
            if (step is null)
            {
                return false;
            }

            step.State = Done;
            step.DoneAtMs = Ms(time.GetUtcNow());
            step.TransactionHash = receipt.TransactionHash;
            step.BlockNumber = receipt.BlockNumber;
            step.Error = null;
            var account = await db.Set<AccountRow>().FirstAsync(a => a.Id == step.AccountId, cancellationToken).ConfigureAwait(false);
            if (receipt.RecordedStatus is { } status)
            {
                account.ChainStatus = status.ToWord();
            }

            account.ChainBlock = Math.Max(account.ChainBlock ?? 0, receipt.BlockNumber);
            return true;
        }, cancellationToken);
    }

    public Task FailStepAsync(long stepId, string reason, AuditEvent audit, CancellationToken cancellationToken) =>
        WriteAsync(audit, async db =>
        {
            var step = await PendingStepAsync(db, stepId, cancellationToken).ConfigureAwait(false);
            if (step is null)
            {
                return false;
            }

            step.State = Failed;
            step.DoneAtMs = Ms(time.GetUtcNow());
            step.Error = reason;
            return true;
        }, cancellationToken);

    public Task DeferStepAsync(long stepId, DateTimeOffset nextAttempt, string error, CancellationToken cancellationToken) =>
        WriteAsync(null, async db =>
        {
            var step = await PendingStepAsync(db, stepId, cancellationToken).ConfigureAwait(false);
            if (step is null)
            {
                return false;
            }

            step.Attempts++;
            step.NextAttemptAtMs = Ms(nextAttempt);
            step.Error = error;
            return true;
        }, cancellationToken);

    /// <summary>
    /// The subject's wrapped key, tracked in <paramref name="db"/>: made (and saved with the caller's changes) when it has
    /// none. An erased subject gets nothing sealed again.
    /// </summary>
    private async Task<byte[]> SubjectKeyAsync(SankofaDbContext db, string subjectId, CancellationToken cancellationToken)
    {
        var key = await db.Set<PersonalDataKeyRow>().FirstOrDefaultAsync(k => k.SubjectId == subjectId, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            key = new PersonalDataKeyRow { SubjectId = subjectId, WrappedKey = names.NewWrappedKey(subjectId), CreatedAtMs = Ms(time.GetUtcNow()) };
            db.Set<PersonalDataKeyRow>().Add(key);
        }

        return key.WrappedKey ?? throw new InvalidOperationException($"The personal data of '{subjectId}' was erased; nothing new is sealed for it.");
    }

    private static Task<AccountChainStepRow?> PendingStepAsync(SankofaDbContext db, long stepId, CancellationToken cancellationToken) =>
        db.Set<AccountChainStepRow>().FirstOrDefaultAsync(s => s.Id == stepId && s.State == Pending, cancellationToken);

    private void AddSteps(SankofaDbContext db, string accountId, IReadOnlyList<ChainStep> steps)
    {
        var now = Ms(time.GetUtcNow());
        db.Set<AccountChainStepRow>().AddRange(steps.Select(s => new AccountChainStepRow
        {
            AccountId = accountId, Action = AccountChainSync.Name(s.Action), Role = s.Role, Scope = s.Scope, State = Pending,
            NextAttemptAtMs = now, CreatedAtMs = now,
        }));
    }

    private Task WriteAsync(AuditEvent? audit, Func<SankofaDbContext, Task> mutate, CancellationToken cancellationToken) =>
        WriteAsync(audit, async db =>
        {
            await mutate(db).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Runs a mutation and writes its audit entry with one SaveChanges in one transaction; a mutation that finds nothing
    /// to do (returns false) writes no audit entry. Taken names and lost races become <see cref="AccountConflictException"/>.
    /// </summary>
    private async Task WriteAsync(AuditEvent? audit, Func<SankofaDbContext, Task<bool>> mutate, CancellationToken cancellationToken)
    {
        try
        {
            await AuditedWrite.RunAsync(contexts, time, audit, mutate, "The identity", cancellationToken).ConfigureAwait(false);
        }
        catch (Core.StoreConflictException ex)
        {
            throw new AccountConflictException(ex.InnerException is DbUpdateConcurrencyException
                ? "The identity changed meanwhile."
                : "An identity with this id, name or controller exists already.", ex.InnerException ?? ex);
        }
    }

    /// <summary>
    /// The accounts with their pending and failed step counts, read in the same statement as the account row: the
    /// recorded chain status (on the row) and the steps still to send (in their own table) change together when a step
    /// completes, so reading them apart could see the status before and the count after ("recorded: suspended, 0
    /// pending" right after a reinstate was recorded).
    /// </summary>
    private static IQueryable<AccountWithSteps> WithStepCounts(SankofaDbContext db, IQueryable<AccountRow> rows) =>
        rows.Select(a => new AccountWithSteps(
            a,
            db.Set<AccountChainStepRow>().Count(s => s.AccountId == a.Id && s.State == Pending),
            db.Set<AccountChainStepRow>().Count(s => s.AccountId == a.Id && s.State == Failed),
            db.Set<PersonalDataKeyRow>().Where(k => k.SubjectId == a.Id).Select(k => k.WrappedKey).FirstOrDefault()));

    private async Task<List<StoredAccount>> ToDomainAsync(SankofaDbContext db, List<AccountWithSteps> accounts, CancellationToken cancellationToken)
    {
        var ids = accounts.Select(a => a.Row.Id).ToList();
        var roles = (await db.Set<AccountRoleRow>().AsNoTracking().Where(r => ids.Contains(r.AccountId)).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(r => r.AccountId);
        return [.. accounts.Select(a =>
        {
            var r = a.Row;
            return new StoredAccount(
                r.Id, ParseKind(r.Kind), NameOf(a), r.SecretHash, r.MustChangePassword, ParseStatus(r.Status), r.Controller, r.SubjectSalt,
                [.. roles[r.Id].OrderBy(g => g.Role, StringComparer.Ordinal).ThenBy(g => g.Scope, StringComparer.Ordinal)
                    .Select(g => new RoleGrant(g.Role, g.Scope.Length == 0 ? null : g.Scope))],
                DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAtMs), DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAtMs), r.Version,
                new AccountChainState(ParseStatus(r.ChainStatus), r.ChainBlock, a.PendingSteps, a.FailedSteps));
        })];
    }

    /// <summary>
    /// The name as the domain sees it: a service's client id, a user's name opened with its key, or, once the key is
    /// destroyed, the erased placeholder.
    /// </summary>
    private string NameOf(AccountWithSteps a) => a.Row switch
    {
        { Name: { } clear } => clear,
        { SealedName: { } sealedName } when a.WrappedKey is { } key => names.Open(a.Row.Id, key, sealedName),
        _ => SubjectAccessService.TombstoneName(a.Row.Id),
    };

    /// <param name="Row">The account.</param>
    /// <param name="PendingSteps">Its chain steps not yet recorded.</param>
    /// <param name="FailedSteps">Its chain steps refused.</param>
    /// <param name="WrappedKey">Its subject key as stored (null when erased or never made), to open its sealed name.</param>
    private sealed record AccountWithSteps(AccountRow Row, int PendingSteps, int FailedSteps, byte[]? WrappedKey);

    /// <summary>A row whose name an older version stored in clear.</summary>
    private sealed record ClearName(long Seq, string Id, bool User, string Name);

    private static PendingChainStep ToDomain(AccountChainStepRow s) => new(
        s.Id, s.AccountId, new ChainStep(ParseAction(s.Action), s.Role, s.Scope),
        s.State switch { Done => ChainStepState.Done, Failed => ChainStepState.Failed, _ => ChainStepState.Pending },
        s.Attempts, DateTimeOffset.FromUnixTimeMilliseconds(s.NextAttemptAtMs), DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAtMs),
        s.TransactionHash, s.BlockNumber, s.Error);

    private static AccountRoleRow RoleRow(string accountId, RoleGrant g) => new() { AccountId = accountId, Role = g.Role, Scope = g.Scope ?? string.Empty };

    private static string Word(AccountKind kind) => kind == AccountKind.User ? "user" : "service";


    private static AccountKind ParseKind(string word) => word == "user" ? AccountKind.User : AccountKind.Service;

    private static IdentityStatus ParseStatus(string word) => Enum.Parse<IdentityStatus>(word, ignoreCase: true);

    private static ChainAction ParseAction(string word) => word switch
    {
        "grant-role" => ChainAction.GrantRole,
        "revoke-role" => ChainAction.RevokeRole,
        _ => Enum.Parse<ChainAction>(word, ignoreCase: true),
    };

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();
}
