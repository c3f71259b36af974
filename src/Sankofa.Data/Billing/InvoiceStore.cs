using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Core.Billing;
using Sankofa.Core.Ledger;
using Sankofa.Data.Audit;
using Sankofa.Data.Provisioning;

namespace Sankofa.Data.Billing;

/// <summary>EF Core implementation of <see cref="IInvoiceStore"/> for SQLite and PostgreSQL.</summary>
internal sealed class InvoiceStore(IStoreContextFactory contexts, TimeProvider time) : IInvoiceStore
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public async Task<StoredInvoice> AddRunAsync(StoredInvoice run, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            await AuditedWrite.RunAsync(contexts, time, audit, async db =>
            {
                if (await db.Set<InvoiceRow>().AnyAsync(i => i.Id == run.Id, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }

                db.Set<InvoiceRow>().Add(new InvoiceRow
                {
                    Id = run.Id, TenantId = run.TenantId, PeriodStartMs = run.PeriodStart.ToUnixTimeMilliseconds(), PeriodEndMs = run.PeriodEnd.ToUnixTimeMilliseconds(),
                    Status = (int)run.Status, WaitingFor = run.WaitingFor, CreatedAtMs = run.CreatedAt.ToUnixTimeMilliseconds(), CreatedBy = run.CreatedBy,
                });
                return true;
            }, $"Billing run {run.Id}", cancellationToken).ConfigureAwait(false);
        }
        catch (StoreConflictException)
        {
            // Another round or replica started it meanwhile: it is the same run.
        }

        return (await GetAsync(run.Id, cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<StoredInvoice?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.Set<InvoiceRow>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<InvoicePage> ListAsync(InvoiceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = contexts.Create();
        var rows = db.Set<InvoiceRow>().AsNoTracking();
        if (query.Tenants is { } tenants)
        {
            rows = rows.Where(i => tenants.Contains(i.TenantId));
        }

        if (query.TenantId is { } tenant)
        {
            rows = rows.Where(i => i.TenantId == tenant);
        }

        if (query.Status is { } status)
        {
            rows = rows.Where(i => i.Status == (int)status);
        }

        if (query.After is { } after)
        {
            // Newest period first, then id: the page after the cursor's row, wherever it sits in that order.
            var cursor = await db.Set<InvoiceRow>().AsNoTracking().Where(i => i.Id == after).Select(i => (long?)i.PeriodStartMs)
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) ?? long.MinValue;
            rows = rows.Where(i => i.PeriodStartMs < cursor || (i.PeriodStartMs == cursor && string.Compare(i.Id, after) > 0));
        }

        var page = await rows.OrderByDescending(i => i.PeriodStartMs).ThenBy(i => i.Id).Take(query.Limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        var items = page.Take(query.Limit).Select(ToDomain).ToList();
        return new InvoicePage(items, page.Count > query.Limit ? items[^1].Id : null);
    }

    public async Task<IReadOnlyList<StoredInvoice>> GetByStatusAsync(IReadOnlyCollection<InvoiceStatus> statuses, int max, CancellationToken cancellationToken)
    {
        var codes = statuses.Select(s => (int)s).ToList();
        await using var db = contexts.Create();
        var rows = await db.Set<InvoiceRow>().AsNoTracking().Where(i => codes.Contains(i.Status))
            .OrderBy(i => i.CheckedAtMs ?? 0).ThenBy(i => i.Id).Take(max).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToDomain)];
    }

    public Task SetWaitingAsync(string id, string waitingFor, DateTimeOffset checkedAt, CancellationToken cancellationToken) =>
        AuditedWrite.RunAsync(contexts, time, null, async db =>
        {
            var row = await db.Set<InvoiceRow>().FirstAsync(i => i.Id == id, cancellationToken).ConfigureAwait(false);
            if (row.Status != (int)InvoiceStatus.Waiting)
            {
                return false;
            }

            (row.WaitingFor, row.CheckedAtMs) = (waitingFor, checkedAt.ToUnixTimeMilliseconds());
            return true;
        }, $"Billing run {id}", cancellationToken);

    public Task BuildAsync(string id, Invoice invoice, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return AuditedWrite.RunAsync(contexts, time, audit, async db =>
        {
            var row = await db.Set<InvoiceRow>().FirstAsync(i => i.Id == id, cancellationToken).ConfigureAwait(false);
            if (row.Status != (int)InvoiceStatus.Waiting)
            {
                return false; // built meanwhile: the first build stands
            }

            row.Status = (int)InvoiceStatus.Issuing;
            row.WaitingFor = null;
            row.Document = JsonSerializer.Serialize(invoice, Json);
            row.Hash = invoice.Hash();
            row.Currency = invoice.Currency;
            row.Total = invoice.Total;
            row.CheckedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
            return true;
        }, $"Invoice {id}", cancellationToken);
    }

    public Task UpdateAsync(
        string id, InvoiceStatus status, LedgerReceipt? issued, string? customer, string? auditor, LedgerReceipt? settled, DateTimeOffset checkedAt,
        CancellationToken cancellationToken) =>
        AuditedWrite.RunAsync(contexts, time, null, async db =>
        {
            var row = await db.Set<InvoiceRow>().FirstAsync(i => i.Id == id, cancellationToken).ConfigureAwait(false);
            row.Status = (int)status;
            (row.IssueTransaction, row.IssueBlock) = issued is null ? (row.IssueTransaction, row.IssueBlock) : (issued.TransactionHash, issued.BlockNumber);
            (row.SettleTransaction, row.SettleBlock) = settled is null ? (row.SettleTransaction, row.SettleBlock) : (settled.TransactionHash, settled.BlockNumber);
            row.Customer = customer ?? row.Customer;
            row.Auditor = auditor ?? row.Auditor;
            row.CheckedAtMs = checkedAt.ToUnixTimeMilliseconds();
            return true;
        }, $"Invoice {id}", cancellationToken);

    public async Task<IReadOnlyList<string>> GetTenantsWithUsageAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (fromMs, toMs) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        await using var db = contexts.Create();
        var ids = await db.Set<UsageRow>().Where(u => u.HourStartMs >= fromMs && u.HourStartMs < toMs).Select(u => u.TenantId).Distinct()
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. ids.Order(StringComparer.Ordinal)];
    }

    public async Task<EvidenceState> GetEvidenceStateAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (fromMs, toMs) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        await using var db = contexts.Create();

        // Ran in the period (Verified before its end, not deleted before its start) but metered short of its end or deletion
        // (metering stops at whole seconds, as UsageMeter does).
        var unmetered = await db.Set<ResourceRow>().CountAsync(r => r.TenantId == tenantId && r.VerifiedAtMs != null && r.VerifiedAtMs < toMs
            && (r.DeletedAtMs == null || r.DeletedAtMs > fromMs)
            && (r.MeteredUntilMs == null || r.MeteredUntilMs < (r.DeletedAtMs != null && r.DeletedAtMs < toMs ? r.DeletedAtMs / 1000 * 1000 : toMs)), cancellationToken)
            .ConfigureAwait(false);
        var unsealed = await db.Set<UsageRow>().CountAsync(u => u.TenantId == tenantId && u.HourStartMs >= fromMs && u.HourStartMs < toMs && u.AuditEntryId == null, cancellationToken)
            .ConfigureAwait(false)
            + await db.Set<AvailabilityRow>().CountAsync(a => a.TenantId == tenantId && a.HourStartMs >= fromMs && a.HourStartMs < toMs && a.AuditEntryId == null, cancellationToken)
                .ConfigureAwait(false);
        var seals = Seals(db, tenantId, fromMs, toMs);
        var entries = db.AuditEntries.Where(e => seals.Contains(e.Id));
        var unbatched = await entries.CountAsync(e => e.Seal == null, cancellationToken).ConfigureAwait(false);
        var batchIds = entries.Where(e => e.Seal != null).Select(e => e.Seal!.BatchId).Distinct();
        var batches = await db.AuditBatches.AsNoTracking().Where(b => batchIds.Contains(b.Id)).OrderBy(b => b.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new EvidenceState(unmetered, unsealed, unbatched, [.. batches.Select(AuditStore.ToDomain)]);
    }

    public async Task<InvoiceEvidence> GetEvidenceAsync(
        string tenantId, DateTimeOffset from, DateTimeOffset to, long? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var (fromMs, toMs, afterId) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), after ?? 0);
        await using var db = contexts.Create();
        var seals = Seals(db, tenantId, fromMs, toMs).Where(id => id > afterId);

        // Everything but the payload, which is read apart as the bytes stored: a month is tens of MiB of payloads that
        // are hashed and sent as bytes, so making .NET strings of them only to encode them back cost most of the read.
        var entries = await db.AuditEntries.AsNoTracking().Where(e => seals.Contains(e.Id)).OrderBy(e => e.Id).Take(limit + 1)
            .Select(e => new AuditEntryRow
            {
                Id = e.Id, TimeMs = e.TimeMs, Actor = e.Actor, Action = e.Action, Subject = e.Subject, PayloadHash = e.PayloadHash,
                Seal = e.Seal,
            })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var next = entries.Count > limit ? entries[limit - 1].Id : (long?)null;
        if (next is not null)
        {
            entries.RemoveAt(limit);
        }

        var ids = entries.Select(e => e.Id).ToList();
        var payloads = (await db.Database.SqlQueryRaw<PayloadBytes>(db.Database.IsNpgsql() ? PostgresPayloads : SqlitePayloads)
                .Where(p => ids.Contains(p.Id)).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToDictionary(p => p.Id, p => p.Bytes);
        var batchIds = entries.Where(e => e.Seal != null).Select(e => e.Seal!.BatchId).Distinct().ToList();
        var batches = await db.AuditBatches.AsNoTracking().Where(b => batchIds.Contains(b.Id)).OrderBy(b => b.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new InvoiceEvidence([.. entries.Select(AuditStore.ToDomain)], [.. batches.Select(AuditStore.ToDomain)], next)
        {
            Payloads = [.. entries.Select(e => new ReadOnlyMemory<byte>(payloads.GetValueOrDefault(e.Id)))],
        };
    }

    // The payload column (text, UTF-8 in both databases) read as its bytes, to compose with a filter on id.
    private const string SqlitePayloads = "SELECT id AS \"Id\", CAST(payload AS BLOB) AS \"Bytes\" FROM audit_entries";
    private const string PostgresPayloads = "SELECT id AS \"Id\", convert_to(payload, 'UTF8') AS \"Bytes\" FROM audit_entries";

    /// <summary>An entry's payload as stored bytes (null when it has none).</summary>
    private sealed record PayloadBytes(long Id, byte[]? Bytes);

    public async Task<Deposit> AddDepositAsync(Deposit deposit, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deposit);
        await AuditedWrite.RunAsync(contexts, time, audit, async db =>
        {
            // Checked first (under the store's write turn) so a repeated payment is an answer, not a failed insert in the logs.
            if (await db.Set<DepositRow>().AnyAsync(d => d.Reference == deposit.Reference, cancellationToken).ConfigureAwait(false))
            {
                throw new StoreConflictException($"Payment {deposit.Reference} exists already.");
            }

            db.Set<DepositRow>().Add(new DepositRow
            {
                Reference = deposit.Reference, TenantId = deposit.TenantId, Currency = deposit.Currency, Amount = deposit.Amount,
                RecordedAtMs = deposit.RecordedAt.ToUnixTimeMilliseconds(), RecordedBy = deposit.RecordedBy,
            });
            return true;
        }, $"Payment {deposit.Reference}", cancellationToken).ConfigureAwait(false);
        return deposit;
    }

    public async Task<Deposit?> GetDepositAsync(string reference, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.Set<DepositRow>().AsNoTracking().FirstOrDefaultAsync(d => d.Reference == reference, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<IReadOnlyList<Deposit>> ListDepositsAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.Set<DepositRow>().AsNoTracking().Where(d => d.TenantId == tenantId).OrderBy(d => d.RecordedAtMs).ThenBy(d => d.Reference)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToDomain)];
    }

    public async Task<IReadOnlyList<Deposit>> GetUnrecordedDepositsAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.Set<DepositRow>().AsNoTracking().Where(d => d.ChainTransaction == null).OrderBy(d => d.RecordedAtMs)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToDomain)];
    }

    public Task MarkDepositRecordedAsync(string reference, LedgerReceipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return AuditedWrite.RunAsync(contexts, time, null, async db =>
        {
            var row = await db.Set<DepositRow>().FirstAsync(d => d.Reference == reference, cancellationToken).ConfigureAwait(false);
            (row.ChainTransaction, row.ChainBlock) = (receipt.TransactionHash, receipt.BlockNumber);
            return true;
        }, $"Payment {reference}", cancellationToken);
    }

    // The audit entry ids of the tenant's usage and availability hours in the period, null for an hour not sealed yet:
    // the evidence of its invoice.
    // The entries sealing a tenant's usage and availability hours in [from, to): one row per entry, not per resource-hour.
    private static IQueryable<long> Seals(SankofaDbContext db, string tenantId, long fromMs, long toMs) =>
        db.Set<TenantHourSealRow>().Where(s => s.TenantId == tenantId && s.HourStartMs >= fromMs && s.HourStartMs < toMs).Select(s => s.EntryId);

    private static StoredInvoice ToDomain(InvoiceRow r) => new(
        r.Id, r.TenantId, DateTimeOffset.FromUnixTimeMilliseconds(r.PeriodStartMs), DateTimeOffset.FromUnixTimeMilliseconds(r.PeriodEndMs),
        (InvoiceStatus)r.Status, r.WaitingFor, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAtMs), r.CreatedBy,
        r.Document is null ? null : JsonSerializer.Deserialize<Invoice>(r.Document, Json),
        r.IssueTransaction is { } tx ? new LedgerReceipt(tx, r.IssueBlock ?? 0) : null, r.Customer, r.Auditor,
        r.SettleTransaction is { } stx ? new LedgerReceipt(stx, r.SettleBlock ?? 0) : null,
        r.CheckedAtMs is { } c ? DateTimeOffset.FromUnixTimeMilliseconds(c) : null);

    private static Deposit ToDomain(DepositRow r) => new(
        r.Reference, r.TenantId, r.Currency, r.Amount, DateTimeOffset.FromUnixTimeMilliseconds(r.RecordedAtMs), r.RecordedBy,
        r.ChainTransaction is { } tx ? new LedgerReceipt(tx, r.ChainBlock ?? 0) : null);
}
