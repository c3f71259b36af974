using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;

namespace Sankofa.Core.Billing;

/// <summary>A price book as stored: the book, its canonical hash, who made it, and the transaction that recorded it on chain.</summary>
/// <param name="Book">The prices.</param>
/// <param name="Hash">Its canonical hash (<see cref="PriceBook.Hash"/>).</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="CreatedBy">Who made it (an identity id).</param>
/// <param name="Recorded">The transaction that recorded its hash on chain; null while that is still to do.</param>
public sealed record StoredPriceBook(PriceBook Book, byte[] Hash, DateTimeOffset CreatedAt, string CreatedBy, LedgerReceipt? Recorded);

/// <summary>Price books: few, never changed once made, each recorded on chain once.</summary>
public interface IPriceBookStore
{
    /// <summary>Every version, oldest first.</summary>
    Task<IReadOnlyList<StoredPriceBook>> ListAsync(CancellationToken cancellationToken);

    /// <summary>One version, or null.</summary>
    Task<StoredPriceBook?> GetAsync(long version, CancellationToken cancellationToken);

    /// <summary>Adds a version with its audit entry in one transaction; <see cref="StoreConflictException"/> when the version exists.</summary>
    Task<StoredPriceBook> AddAsync(PriceBook book, string createdBy, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>Versions whose hash is not on chain yet, oldest first.</summary>
    Task<IReadOnlyList<StoredPriceBook>> GetUnrecordedAsync(CancellationToken cancellationToken);

    /// <summary>Notes the transaction that recorded the version's hash on chain.</summary>
    Task MarkRecordedAsync(long version, LedgerReceipt receipt, CancellationToken cancellationToken);
}
