using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;

namespace Sankofa.Core.Audit;

/// <summary>An audit entry with the batch it is sealed in (null while unsealed), so its status says whether it is anchored.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="Batch">Its batch, when sealed.</param>
public sealed record AuditEntryView(AuditEntry Entry, AuditBatch? Batch);

/// <summary>A page of audit entries.</summary>
/// <param name="Items">The entries with their batches.</param>
/// <param name="Next">Cursor of the next page (a <c>before</c> id, or a sequence for the chain); null on the last page.</param>
public sealed record AuditEntryPage(IReadOnlyList<AuditEntryView> Items, long? Next);

/// <summary>
/// Every read of the audit log. The log is platform-wide: only callers holding <see cref="Permission.AuditRead"/>
/// platform-wide read it, checked here once; REST, GraphQL and the portal call these and only map the answers.
/// </summary>
/// <param name="store">Where entries and batches live.</param>
/// <param name="anchors">The roots on chain, for verification.</param>
public sealed class AuditQueries(IAuditStore store, IAuditAnchorLedger anchors)
{
    /// <summary>Largest page a list returns.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Entries newest first, filtered and paged as asked (the query's limit is checked here).</summary>
    public async Task<Result<AuditEntryPage>> ListAsync(Caller caller, AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        var errors = new Dictionary<string, string[]>();
        if (query.Limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"Must be between 1 and {MaxPageSize}."];
        }

        if (query.Before is < 1)
        {
            errors["before"] = ["Must be a positive entry id (the 'next' value of the previous page)."];
        }

        if (query.From is not null && query.To is not null && query.From >= query.To)
        {
            errors["to"] = ["Must be later than 'from'."];
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var page = await store.ListEntriesAsync(query, cancellationToken).ConfigureAwait(false);
        return Result<AuditEntryPage>.Ok(new AuditEntryPage(await WithBatchesAsync(page.Items, cancellationToken).ConfigureAwait(false), page.NextBefore));
    }

    /// <summary>Sealed entries in sequence order from <paramref name="fromSequence"/>, for whole-log verification.</summary>
    public async Task<Result<AuditEntryPage>> ChainAsync(Caller caller, long fromSequence, int limit, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        var errors = new Dictionary<string, string[]>();
        if (fromSequence < 1)
        {
            errors["fromSequence"] = ["Must be 1 or more."];
        }

        if (limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"Must be between 1 and {MaxPageSize}."];
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var entries = await store.GetSealedEntriesAsync(fromSequence, limit, cancellationToken).ConfigureAwait(false);
        long? next = entries.Count == limit ? entries[^1].Seal!.Sequence + 1 : null;
        return Result<AuditEntryPage>.Ok(new AuditEntryPage(await WithBatchesAsync(entries, cancellationToken).ConfigureAwait(false), next));
    }

    /// <summary>One entry with its seal, proof and batch.</summary>
    public async Task<Result<AuditEntryView>> GetEntryAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        return await store.GetEntryViewAsync(id, cancellationToken).ConfigureAwait(false) is { } view
            ? Result<AuditEntryView>.Ok(view)
            : Error.NotFound("id", $"There is no audit entry with id {id}.");
    }

    /// <summary>One Merkle batch.</summary>
    public async Task<Result<AuditBatch>> GetBatchAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        return await store.GetBatchAsync(id, cancellationToken).ConfigureAwait(false) is { } batch
            ? Result<AuditBatch>.Ok(batch)
            : Error.NotFound("id", $"There is no audit batch with id {id}.");
    }

    /// <summary>Batches the chain holds that the store lost in a restore (see <see cref="AuditChainGap"/>), oldest first.</summary>
    public async Task<Result<IReadOnlyList<AuditChainGap>>> ChainGapsAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        return Result<IReadOnlyList<AuditChainGap>>.Ok(await store.GetChainGapsAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The server's own check of an entry against the root it reads from the chain.</summary>
    /// <exception cref="LedgerUnavailableException">The chain cannot be read.</exception>
    public async Task<Result<AuditVerification>> VerifyAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        var found = await GetEntryAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (found.Error is { } error)
        {
            return error;
        }

        var (entry, batch) = found.Value!;
        OnChainRoot? onChain = null;
        if (entry.Seal is { } seal)
        {
            onChain = (await anchors.GetRootsAsync([seal.BatchId], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(seal.BatchId);
        }

        return Result<AuditVerification>.Ok(AuditVerifier.VerifyEntry(entry, batch, onChain));
    }

    private static Error? Refusal(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Can(Permission.AuditRead, null) ? null : AccessErrors.Forbidden(Permission.AuditRead);
    }

    /// <summary>Reads each batch of a page once, so every entry's status says whether it is anchored.</summary>
    private async Task<IReadOnlyList<AuditEntryView>> WithBatchesAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var ids = entries.Where(e => e.Seal is not null).Select(e => e.Seal!.BatchId).ToHashSet();
        var batches = ids.Count == 0 ? null : await store.GetBatchesAsync(ids, cancellationToken).ConfigureAwait(false);
        return [.. entries.Select(e => new AuditEntryView(e, e.Seal is { } s ? batches!.GetValueOrDefault(s.BatchId) : null))];
    }
}
