using Sankofa.Core.Agents;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;

namespace Sankofa.Core.Tests.Agents;

/// <summary>An in-memory <see cref="IAgentStore"/> that keeps the audit events it was given.</summary>
internal sealed class InMemoryAgentStore : IAgentStore
{
    private readonly Lock sync = new();
    private readonly List<SiteAgent> agents = [];

    public List<AuditEvent> Audit { get; } = [];

    public Task<SiteAgent> AddAsync(SiteAgent agent, AuditEvent audit, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            if (agents.Any(a => a.SiteId == agent.SiteId && a.Address == agent.Address))
            {
                throw new StoreConflictException("taken");
            }

            var stored = agent with { Seq = agents.Count + 1 };
            agents.Add(stored);
            Audit.Add(audit);
            return Task.FromResult(stored);
        }
    }

    public Task<SiteAgent?> GetAsync(string siteId, string address, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            return Task.FromResult(agents.FirstOrDefault(a => a.SiteId == siteId && a.Address == address));
        }
    }

    public Task<IReadOnlyList<SiteAgent>> ListAsync(string? siteId, long? after, int take, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            return Task.FromResult<IReadOnlyList<SiteAgent>>([.. agents.Where(a => (siteId is null || a.SiteId == siteId) && a.Seq > (after ?? 0)).Take(take)]);
        }
    }

    public Task<bool> SeenAsync(string siteId, string address, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            var i = agents.FindIndex(a => a.SiteId == siteId && a.Address == address);
            if (i >= 0)
            {
                agents[i] = agents[i] with { LastSeenAt = at };
            }

            return Task.FromResult(i >= 0);
        }
    }

    public Task<SiteAgent> RotateAsync(
        string siteId, string newAddress, string oldAddress, string approvedBy, DateTimeOffset approvedAt, LedgerReceipt receipt, AuditEvent audit,
        CancellationToken cancellationToken)
    {
        lock (sync)
        {
            var i = agents.FindIndex(a => a.SiteId == siteId && a.Address == newAddress);
            if (agents[i].State == AgentState.Pending)
            {
                agents[i] = agents[i] with
                {
                    State = AgentState.Approved, ApprovedAt = approvedAt, ApprovedBy = approvedBy, KeyTransaction = receipt.TransactionHash, KeyBlock = receipt.BlockNumber,
                };
                var old = agents.FindIndex(a => a.SiteId == siteId && a.Address == oldAddress && a.State == AgentState.Approved);
                if (old >= 0)
                {
                    agents[old] = agents[old] with
                    {
                        State = AgentState.Rotated, RetiredAt = approvedAt, RetiredBy = approvedBy, RetireTransaction = receipt.TransactionHash, RetireBlock = receipt.BlockNumber,
                    };
                }

                Audit.Add(audit);
            }

            return Task.FromResult(agents[i]);
        }
    }

    public Task<SiteAgent> RevokeAsync(
        string siteId, string address, string revokedBy, DateTimeOffset revokedAt, LedgerReceipt? receipt, AuditEvent audit, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            var i = agents.FindIndex(a => a.SiteId == siteId && a.Address == address);
            if (agents[i].State is AgentState.Pending or AgentState.Approved)
            {
                agents[i] = agents[i] with
                {
                    State = AgentState.Revoked, RetiredAt = revokedAt, RetiredBy = revokedBy, RetireTransaction = receipt?.TransactionHash, RetireBlock = receipt?.BlockNumber,
                };
                Audit.Add(audit);
            }

            return Task.FromResult(agents[i]);
        }
    }

    public Task<SiteAgent> ApproveAsync(
        string siteId, string address, string approvedBy, DateTimeOffset approvedAt, LedgerReceipt receipt, AuditEvent audit, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            var i = agents.FindIndex(a => a.SiteId == siteId && a.Address == address);
            if (agents[i].State == AgentState.Pending)
            {
                agents[i] = agents[i] with
                {
                    State = AgentState.Approved, ApprovedAt = approvedAt, ApprovedBy = approvedBy, KeyTransaction = receipt.TransactionHash, KeyBlock = receipt.BlockNumber,
                };
                Audit.Add(audit);
            }

            return Task.FromResult(agents[i]);
        }
    }
}
