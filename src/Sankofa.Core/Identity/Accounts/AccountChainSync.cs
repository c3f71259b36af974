using Sankofa.Core.Access;
using System.Text.Json;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;

namespace Sankofa.Core.Identity.Accounts;

/// <summary>
/// Sends the account outbox to the IdentityRegistry: each account's steps in the order they were queued, each marked
/// recorded (with an audit entry) once mined. The contract is idempotent, so a step re-sent after a crash between the
/// transaction and the mark records nothing twice. While the chain is unreachable nothing is marked and the caller
/// backs off; a step the contract refuses for good is marked failed so it does not hold up the account's later steps.
/// </summary>
/// <param name="store">The outbox.</param>
/// <param name="ledger">The IdentityRegistry.</param>
/// <param name="options">Retry delays.</param>
/// <param name="time">The clock.</param>
public sealed class AccountChainSync(IAccountStore store, IIdentityLedger ledger, AccountOptions options, TimeProvider time)
{
    /// <summary>Actor of the audit entries this writes.</summary>
    public const string Actor = "system:identity-chain";

    /// <summary>
    /// Sends up to <paramref name="max"/> pending steps; returns how many were recorded or refused (so: whether there was
    /// work). Throws <see cref="LedgerUnavailableException"/> when the chain cannot be reached: try again later.
    /// </summary>
    public async Task<int> SendPendingAsync(int max, CancellationToken cancellationToken)
    {
        var pending = await store.GetPendingStepsAsync(max, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var handled = 0;
        foreach (var account in pending.GroupBy(s => s.AccountId, StringComparer.Ordinal))
        {
            foreach (var step in account)
            {
                // A step put off after an error holds back the account's later steps: the chain sees them in order.
                if (step.NextAttemptAt > now || !await SendAsync(step, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                handled++;
            }
        }

        return handled;
    }

    /// <summary>
    /// Queues again what the chain lost of identities it recorded through this control plane: an embedded chain that
    /// lost its state is redeployed empty, and one killed with its host loses its last blocks. An identity the chain no
    /// longer knows gets its registration, roles and status again (without this nobody could get a token or call the API
    /// again); one the chain holds as active though a suspension or revocation was recorded gets that again (a lost
    /// suspension must not leave the identity active on chain); a role grant or revocation lost on its own is sent again. Identities with steps still queued are left alone (their
    /// steps are on their way), and so is one changed meanwhile. Statuses are compared for every identity; role grants for
    /// every one when <paramref name="full"/>, else for the newest <see cref="AccountOptions.ChainCheckWindow"/>. Returns
    /// how many were queued again. Throws <see cref="LedgerUnavailableException"/> when the chain cannot be read.
    /// </summary>
    public async Task<int> RestoreLostAsync(bool full, CancellationToken cancellationToken)
    {
        var restored = 0;
        var grantsChecked = 0;
        long? before = null;
        do
        {
            var page = await store.ListAsync(new AccountQuery(Before: before, Limit: 500), cancellationToken).ConfigureAwait(false);
            var recorded = page.Items.Where(a => a.Chain.RecordedStatus != IdentityStatus.None && a.Chain.PendingSteps == 0).ToList();
            var onChain = recorded.Count == 0
                ? new Dictionary<string, IdentityStatus>()
                : await ledger.GetStatusesAsync([.. recorded.Select(a => a.Id)], cancellationToken).ConfigureAwait(false);
            // Where the status held, a role grant or revocation may still have been lost on its own.
            var intact = recorded.Where(a => onChain.GetValueOrDefault(a.Id) == a.Chain.RecordedStatus).Select(a => a.Id)
                .Take(full ? int.MaxValue : Math.Max(0, options.ChainCheckWindow - grantsChecked)).ToList();
            grantsChecked += intact.Count;
            var grants = intact.Count == 0
                ? new Dictionary<string, IReadOnlyList<IdentityRoleGrant>>()
                : await ledger.GetRoleGrantsAsync(intact, cancellationToken).ConfigureAwait(false);
            foreach (var account in recorded)
            {
                var chainStatus = onChain.GetValueOrDefault(account.Id);
                var requeued = chainStatus != account.Chain.RecordedStatus
                    ? await RequeueAsync(account, chainStatus, cancellationToken).ConfigureAwait(false)
                    : grants.TryGetValue(account.Id, out var held) && await RequeueGrantsAsync(account, held, cancellationToken).ConfigureAwait(false);
                if (requeued)
                {
                    restored++;
                }
            }

            before = page.NextBefore;
        }
        while (before is not null);

        return restored;
    }

    /// <summary>
    /// Queues again the role grants and revocations the chain lost: for each grant whose last recorded step was a grant
    /// the chain no longer holds, or a revocation of a grant it holds again, that step once more. The history is read only
    /// when the chain and the store disagree, which is rare.
    /// </summary>
    private async Task<bool> RequeueGrantsAsync(StoredAccount account, IReadOnlyList<IdentityRoleGrant> onChain, CancellationToken cancellationToken)
    {
        var held = onChain.Select(g => Convert.ToHexString(g.Role) + Convert.ToHexString(g.Scope)).ToHashSet(StringComparer.Ordinal);
        string Key(RoleGrant grant)
        {
            var key = ledger.KeyOf(grant);
            return Convert.ToHexString(key.Role) + Convert.ToHexString(key.Scope);
        }

        if (held.Count == account.Roles.Count && account.Roles.All(r => held.Contains(Key(r))))
        {
            return false;
        }

        var history = await store.GetStepsAsync(account.Id, cancellationToken).ConfigureAwait(false);
        List<ChainStep> lost =
        [
            .. history
                .Where(s => s.State == ChainStepState.Done && s.Step is { Action: ChainAction.GrantRole or ChainAction.RevokeRole, Role: not null })
                .GroupBy(s => new RoleGrant(s.Step.Role!, s.Step.Scope))
                .Select(g => g.Last().Step)
                .Where(step => (step.Action == ChainAction.GrantRole) != held.Contains(Key(new RoleGrant(step.Role!, step.Scope)))),
        ];
        if (lost.Count == 0)
        {
            return false; // a difference this control plane did not record (another region's, say) is not undone here
        }

        try
        {
            await store.UpdateAsync(account, lost,
                new AuditEvent(Actor, "identity.chain.restored", "identity:" + account.Id,
                    JsonSerializer.Serialize(new { lost = lost.Select(s => Name(s.Action) + " " + new RoleGrant(s.Role!, s.Scope).ToClaim()), steps = lost.Count })),
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AccountConflictException)
        {
            return false; // changed meanwhile: its own steps are queued, and the next check looks again
        }
    }

    private async Task<bool> RequeueAsync(StoredAccount account, IdentityStatus chainStatus, CancellationToken cancellationToken)
    {
        // Only towards what the store recorded as stricter: a status the chain holds that is stricter than the store's
        // (a board's suspension) is not undone here.
        var recorded = account.Chain.RecordedStatus;
        List<ChainStep> steps = chainStatus == IdentityStatus.None
            ? [new(ChainAction.Register), .. account.Roles.Select(r => new ChainStep(ChainAction.GrantRole, r.Role, r.Scope))]
            : [];
        if ((chainStatus is IdentityStatus.None or IdentityStatus.Active) && recorded is IdentityStatus.Suspended or IdentityStatus.Revoked)
        {
            steps.Add(new(recorded == IdentityStatus.Suspended ? ChainAction.Suspend : ChainAction.Revoke));
        }

        if (steps.Count == 0)
        {
            return false;
        }

        try
        {
            await store.UpdateAsync(account, steps,
                new AuditEvent(Actor, "identity.chain.restored", "identity:" + account.Id,
                    JsonSerializer.Serialize(new { recorded = recorded.ToWord(), onChain = chainStatus.ToWord(), steps = steps.Count })),
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AccountConflictException)
        {
            return false; // changed meanwhile: its own steps are queued, and the next check looks again
        }
    }

    /// <summary>Sends one step; false when it was put off.</summary>
    private async Task<bool> SendAsync(PendingChainStep step, CancellationToken cancellationToken)
    {
        var payload = new Dictionary<string, object?> { ["step"] = Name(step.Step.Action) };
        if (step.Step.Role is not null)
        {
            payload["role"] = new RoleGrant(step.Step.Role, step.Step.Scope).ToClaim();
        }

        try
        {
            var (receipt, status) = await RecordAsync(step, cancellationToken).ConfigureAwait(false);
            payload["transaction"] = receipt.TransactionHash;
            payload["block"] = receipt.BlockNumber;
            payload["changed"] = receipt.Changed;
            await store.CompleteStepAsync(step.Id, new ChainStepReceipt(receipt.TransactionHash, receipt.BlockNumber, receipt.Changed, status),
                new AuditEvent(Actor, "identity.chain.recorded", "identity:" + step.AccountId, JsonSerializer.Serialize(payload)), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (IdentityRefusedException ex) when (ex.Reason != IdentityRefusal.Unauthorized)
        {
            // Refused for good (sending it again gets the same answer). A key that lacks the registrar role is not: an
            // administrator can grant it, so that case is retried below.
            payload["reason"] = ex.Message;
            await store.FailStepAsync(step.Id, ex.Message,
                new AuditEvent(Actor, "identity.chain.refused", "identity:" + step.AccountId, JsonSerializer.Serialize(payload)), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not LedgerUnavailableException and not OperationCanceledException)
        {
            var delay = RetryBackoff.Delay(step.Attempts + 1, options.ChainMinRetryDelay, options.ChainMaxRetryDelay);
            await store.DeferStepAsync(step.Id, time.GetUtcNow() + delay, ex.Message, cancellationToken).ConfigureAwait(false);
            return false;
        }
    }

    private async Task<(IdentityReceipt Receipt, IdentityStatus? Status)> RecordAsync(PendingChainStep step, CancellationToken cancellationToken)
    {
        var id = step.AccountId;
        switch (step.Step.Action)
        {
            case ChainAction.Register:
                var account = await store.GetAsync(id, cancellationToken).ConfigureAwait(false)
                              ?? throw new IdentityRefusedException(IdentityRefusal.UnknownIdentity, $"Identity '{id}' is no longer in the store.", null);
                var salt = account.SubjectSalt
                           ?? throw new IdentityRefusedException(IdentityRefusal.InvalidValue, $"Identity '{id}' was erased before it was registered.", null);
                var receipt = await ledger.RegisterAsync(id, SubjectHashing.Hash(salt, account.Name), account.Controller, cancellationToken).ConfigureAwait(false);
                return (receipt, IdentityStatus.Active);
            case ChainAction.Suspend:
                return (await ledger.SuspendAsync(id, cancellationToken).ConfigureAwait(false), IdentityStatus.Suspended);
            case ChainAction.Reinstate:
                return (await ledger.ReinstateAsync(id, cancellationToken).ConfigureAwait(false), IdentityStatus.Active);
            case ChainAction.Revoke:
                return (await ledger.RevokeAsync(id, cancellationToken).ConfigureAwait(false), IdentityStatus.Revoked);
            case ChainAction.GrantRole:
                return (await ledger.GrantRoleAsync(id, step.Step.Role!, step.Step.Scope, cancellationToken).ConfigureAwait(false), null);
            case ChainAction.RevokeRole:
                return (await ledger.RevokeRoleAsync(id, step.Step.Role!, step.Step.Scope, cancellationToken).ConfigureAwait(false), null);
            default:
                throw new InvalidOperationException($"Unknown chain step {step.Step.Action}.");
        }
    }

    /// <summary>The step's name as the API and audit entries write it.</summary>
    public static string Name(ChainAction action) => action switch
    {
        ChainAction.GrantRole => "grant-role",
        ChainAction.RevokeRole => "revoke-role",
        _ => action.ToString().ToLowerInvariant(),
    };
}
