using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Sankofa.Core.Audit;
using Sankofa.Core.Billing;
using Sankofa.Core.Ledger;
using Sankofa.Data.Audit;

namespace Sankofa.Data.Billing;

/// <summary>EF Core implementation of <see cref="IPriceBookStore"/> for SQLite and PostgreSQL.</summary>
internal sealed class PriceBookStore(IStoreContextFactory contexts, TimeProvider time) : IPriceBookStore
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public async Task<IReadOnlyList<StoredPriceBook>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.Set<PriceBookRow>().AsNoTracking().OrderBy(p => p.Version).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToDomain)];
    }

    public async Task<StoredPriceBook?> GetAsync(long version, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.Set<PriceBookRow>().AsNoTracking().FirstOrDefaultAsync(p => p.Version == version, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<StoredPriceBook> AddAsync(PriceBook book, string createdBy, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(book);
        var row = new PriceBookRow
        {
            Version = book.Version, EffectiveFromMs = book.EffectiveFrom.ToUnixTimeMilliseconds(), Currency = book.Currency, MinorDigits = book.MinorDigits,
            Prices = JsonSerializer.Serialize(book.Prices, Json), Hash = book.Hash(), CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(), CreatedBy = createdBy,
        };
        await AuditedWrite.RunAsync(contexts, time, audit, db =>
        {
            db.Set<PriceBookRow>().Add(row);
            return Task.FromResult(true);
        }, $"Price book {book.Version}", cancellationToken).ConfigureAwait(false);
        return ToDomain(row);
    }

    public async Task<IReadOnlyList<StoredPriceBook>> GetUnrecordedAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.Set<PriceBookRow>().AsNoTracking().Where(p => p.ChainTransaction == null).OrderBy(p => p.Version)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToDomain)];
    }

    public Task MarkRecordedAsync(long version, LedgerReceipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return AuditedWrite.RunAsync(contexts, time, null, async db =>
        {
            var row = await db.Set<PriceBookRow>().FirstAsync(p => p.Version == version, cancellationToken).ConfigureAwait(false);
            (row.ChainTransaction, row.ChainBlock) = (receipt.TransactionHash, receipt.BlockNumber);
            return true;
        }, $"Price book {version}", cancellationToken);
    }

    private static StoredPriceBook ToDomain(PriceBookRow r) => new(
        new PriceBook(r.Version, DateTimeOffset.FromUnixTimeMilliseconds(r.EffectiveFromMs), r.Currency, r.MinorDigits,
            JsonSerializer.Deserialize<List<Price>>(r.Prices, Json) ?? []),
        r.Hash, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAtMs), r.CreatedBy,
        r.ChainTransaction is { } tx ? new LedgerReceipt(tx, r.ChainBlock ?? 0) : null);
}
