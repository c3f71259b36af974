using Sankofa.Core.Audit;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Core.Tests.Identity.Fakes;

/// <summary>The account store port in memory: accounts with optimistic versions, their queued chain steps and audit events.</summary>
internal sealed class InMemoryAccountStore : IAccountStore
{
    private readonly Dictionary<string, StoredAccount> accounts = new(StringComparer.Ordinal);
    private readonly List<PendingChainStep> steps = [];
    private readonly Lock gate = new();

    public List<AuditEvent> Audit { get; } = [];

    public Task CreateAsync(StoredAccount account, IReadOnlyList<ChainStep> steps, AuditEvent audit, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (accounts.ContainsKey(account.Id) || accounts.Values.Any(a => a.Name == account.Name))
            {
                throw new AccountConflictException($"'{account.Name}' exists.");
            }

            accounts[account.Id] = account;
            Queue(account, steps, audit);
        }

        return Task.CompletedTask;
    }

    public Task<StoredAccount> UpdateAsync(StoredAccount updated, IReadOnlyList<ChainStep> steps, AuditEvent audit, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!accounts.TryGetValue(updated.Id, out var current) || current.Version != updated.Version)
            {
                throw new AccountConflictException($"'{updated.Id}' changed meanwhile.");
            }

            var stored = updated with { Version = updated.Version + 1 };
            accounts[updated.Id] = stored;
            Queue(stored, steps, audit);
            return Task.FromResult(stored);
        }
    }

    public Task<StoredAccount?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(accounts.GetValueOrDefault(id));
        }
    }

    public Task<StoredAccount?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(accounts.Values.FirstOrDefault(a => a.Name == name));
        }
    }

    /// <summary>Names in memory were never stored in another form.</summary>
    public Task<int> ProtectClearNamesAsync(int batchSize, CancellationToken cancellationToken) => Task.FromResult(0);

    public Task<AccountPage> ListAsync(AccountQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (gate)
        {
            var items = accounts.Values
                .Where(a => (query.Kind is null || a.Kind == query.Kind) && (query.Status is null || a.Status == query.Status)
                    && (query.Scope is null || a.Roles.Any(r => r.Scope == query.Scope)))
                .OrderByDescending(a => a.CreatedAt).Take(query.Limit).ToList();
            return Task.FromResult(new AccountPage(items, null));
        }
    }

    public Task<int> CountInScopeAsync(string scope, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(accounts.Values.Count(a => a.Status != IdentityStatus.Revoked && a.Roles.Any(r => r.Scope == scope)));
        }
    }

    public Task<bool> AnyHoldsRoleAsync(string role, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(accounts.Values.Any(a => a.Roles.Any(r => r.Role == role)));
        }
    }

    public Task<IReadOnlyList<PendingChainStep>> GetPendingStepsAsync(int max, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<PendingChainStep>>([.. steps.Where(s => s.State == ChainStepState.Pending).Take(max)]);
        }
    }

    public Task<IReadOnlyList<PendingChainStep>> GetStepsAsync(string accountId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<PendingChainStep>>([.. steps.Where(s => s.AccountId == accountId)]);
        }
    }

    public Task CompleteStepAsync(long stepId, ChainStepReceipt receipt, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return Settle(stepId, s => s with { State = ChainStepState.Done, TransactionHash = receipt.TransactionHash, BlockNumber = receipt.BlockNumber }, audit);
    }

    public Task FailStepAsync(long stepId, string reason, AuditEvent audit, CancellationToken cancellationToken) =>
        Settle(stepId, s => s with { State = ChainStepState.Failed, Error = reason }, audit);

    public Task DeferStepAsync(long stepId, DateTimeOffset nextAttempt, string error, CancellationToken cancellationToken) =>
        Settle(stepId, s => s with { Attempts = s.Attempts + 1, NextAttemptAt = nextAttempt, Error = error }, null);

    private void Queue(StoredAccount account, IReadOnlyList<ChainStep> queued, AuditEvent audit)
    {
        foreach (var step in queued)
        {
            steps.Add(new PendingChainStep(steps.Count + 1, account.Id, step, ChainStepState.Pending, 0, account.UpdatedAt, account.UpdatedAt, null, null, null));
        }

        Audit.Add(audit);
    }

    private Task Settle(long stepId, Func<PendingChainStep, PendingChainStep> change, AuditEvent? audit)
    {
        lock (gate)
        {
            var index = steps.FindIndex(s => s.Id == stepId);
            steps[index] = change(steps[index]);
            if (audit is not null)
            {
                Audit.Add(audit);
            }
        }

        return Task.CompletedTask;
    }
}
