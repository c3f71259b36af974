using Microsoft.EntityFrameworkCore;
using Sankofa.Core;
using Sankofa.Core.Agents;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Data.Audit;
using Sankofa.Data.Provisioning;

namespace Sankofa.Data.Agents;

/// <summary>EF Core implementation of <see cref="IAgentStore"/> for SQLite and PostgreSQL; agents change rarely, so plain change tracking will do.</summary>
internal sealed class AgentStore(IStoreContextFactory contexts, TimeProvider time) : IAgentStore
{
    public async Task<SiteAgent> AddAsync(SiteAgent agent, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var row = new SiteAgentRow
        {
            SiteId = agent.SiteId, Address = agent.Address, Version = agent.Version, State = Word(agent.State),
            RegisteredAtMs = agent.RegisteredAt.ToUnixTimeMilliseconds(), RegisteredBy = agent.RegisteredBy,
            SignedAtMs = agent.SignedAt.ToUnixTimeMilliseconds(), Proof = agent.Proof, RotatesFrom = agent.RotatesFrom, RotationSignature = agent.RotationSignature,
        };
        await WriteAsync(audit, db =>
        {
            db.Set<SiteAgentRow>().Add(row);
            return Task.FromResult(true);
        }, cancellationToken).ConfigureAwait(false);
        return ToDomain(row);
    }

    public async Task<SiteAgent?> GetAsync(string siteId, string address, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.Set<SiteAgentRow>().AsNoTracking().FirstOrDefaultAsync(a => a.SiteId == siteId && a.Address == address, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<IReadOnlyList<SiteAgent>> ListAsync(string? siteId, long? after, int take, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var q = db.Set<SiteAgentRow>().AsNoTracking();
        if (siteId is not null)
        {
            q = q.Where(a => a.SiteId == siteId);
        }

        if (after is { } cursor)
        {
            q = q.Where(a => a.Seq > cursor);
        }

        var rows = await q.OrderBy(a => a.Seq).Take(take).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToDomain)];
    }

    public async Task<SiteAgent> ApproveAsync(
        string siteId, string address, string approvedBy, DateTimeOffset approvedAt, LedgerReceipt receipt, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        await WriteAsync(audit, async db =>
        {
            var row = await db.Set<SiteAgentRow>().FirstOrDefaultAsync(a => a.SiteId == siteId && a.Address == address, cancellationToken).ConfigureAwait(false);
            if (row is null || row.State != Word(AgentState.Pending))
            {
                return false;
            }

            row.State = Word(AgentState.Approved);
            row.ApprovedAtMs = approvedAt.ToUnixTimeMilliseconds();
            row.ApprovedBy = approvedBy;
            row.KeyTransaction = receipt.TransactionHash;
            row.KeyBlock = receipt.BlockNumber;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return await GetAsync(siteId, address, cancellationToken).ConfigureAwait(false)
               ?? throw new InvalidOperationException($"Agent {address} of site {siteId} is gone.");
    }

    public async Task<SiteAgent> RotateAsync(
        string siteId, string newAddress, string oldAddress, string approvedBy, DateTimeOffset approvedAt, LedgerReceipt receipt, AuditEvent audit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        await WriteAsync(audit, async db =>
        {
            var rows = await db.Set<SiteAgentRow>().Where(a => a.SiteId == siteId && (a.Address == newAddress || a.Address == oldAddress))
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            if (rows.FirstOrDefault(r => r.Address == newAddress) is not { } added || added.State != Word(AgentState.Pending))
            {
                return false;
            }

            added.State = Word(AgentState.Approved);
            added.ApprovedAtMs = approvedAt.ToUnixTimeMilliseconds();
            added.ApprovedBy = approvedBy;
            added.KeyTransaction = receipt.TransactionHash;
            added.KeyBlock = receipt.BlockNumber;
            if (rows.FirstOrDefault(r => r.Address == oldAddress) is { } retired && retired.State == Word(AgentState.Approved))
            {
                Retire(retired, AgentState.Rotated, approvedBy, approvedAt, receipt);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
        return await GetAsync(siteId, newAddress, cancellationToken).ConfigureAwait(false)
               ?? throw new InvalidOperationException($"Agent {newAddress} of site {siteId} is gone.");
    }

    public async Task<SiteAgent> RevokeAsync(
        string siteId, string address, string revokedBy, DateTimeOffset revokedAt, LedgerReceipt? receipt, AuditEvent audit, CancellationToken cancellationToken)
    {
        await WriteAsync(audit, async db =>
        {
            var row = await db.Set<SiteAgentRow>().FirstOrDefaultAsync(a => a.SiteId == siteId && a.Address == address, cancellationToken).ConfigureAwait(false);
            if (row is null || (row.State != Word(AgentState.Pending) && row.State != Word(AgentState.Approved)))
            {
                return false;
            }

            Retire(row, AgentState.Revoked, revokedBy, revokedAt, receipt);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return await GetAsync(siteId, address, cancellationToken).ConfigureAwait(false)
               ?? throw new InvalidOperationException($"Agent {address} of site {siteId} is gone.");
    }

    public async Task<bool> SeenAsync(string siteId, string address, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var turn = await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var db = contexts.Create();
        var ms = at.ToUnixTimeMilliseconds();
        return await db.Set<SiteAgentRow>().Where(a => a.SiteId == siteId && a.Address == address)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LastSeenAtMs, ms), cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>Runs a mutation and writes its audit entry in one transaction; one that finds nothing to do (false) writes no entry.</summary>
    private Task WriteAsync(AuditEvent audit, Func<SankofaDbContext, Task<bool>> mutate, CancellationToken cancellationToken) =>
        AuditedWrite.RunAsync(contexts, time, audit, mutate, "The site's agent key", cancellationToken);

    private static void Retire(SiteAgentRow row, AgentState state, string by, DateTimeOffset at, LedgerReceipt? receipt)
    {
        row.State = Word(state);
        row.RetiredAtMs = at.ToUnixTimeMilliseconds();
        row.RetiredBy = by;
        row.RetireTransaction = receipt?.TransactionHash;
        row.RetireBlock = receipt?.BlockNumber;
    }

    private static SiteAgent ToDomain(SiteAgentRow r) => new(
        r.Seq, r.SiteId, r.Address, r.Version, Enum.Parse<AgentState>(r.State, ignoreCase: true),
        DateTimeOffset.FromUnixTimeMilliseconds(r.RegisteredAtMs), r.RegisteredBy, DateTimeOffset.FromUnixTimeMilliseconds(r.SignedAtMs), r.Proof,
        Time(r.ApprovedAtMs), r.ApprovedBy, r.KeyTransaction, r.KeyBlock, Time(r.LastSeenAtMs))
    {
        RotatesFrom = r.RotatesFrom, RotationSignature = r.RotationSignature, RetiredAt = Time(r.RetiredAtMs), RetiredBy = r.RetiredBy,
        RetireTransaction = r.RetireTransaction, RetireBlock = r.RetireBlock,
    };

    private static DateTimeOffset? Time(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    private static string Word(AgentState state) => state.ToString().ToLowerInvariant();
}
