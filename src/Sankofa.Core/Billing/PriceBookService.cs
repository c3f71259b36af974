using System.Text.Json;
using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Billing;

/// <summary>A new price book as asked for (REST body, CLI file): names as docs/billing.md writes them.</summary>
/// <param name="EffectiveFrom">When it takes effect (UTC, whole seconds), after the latest version's.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="MinorDigits">Digits of the currency's minor unit.</param>
/// <param name="Prices">One per tier and dimension.</param>
public sealed record PriceBookRequest(DateTimeOffset? EffectiveFrom, string? Currency, int? MinorDigits, IReadOnlyList<PriceRequest>? Prices);

/// <summary>One price as asked for.</summary>
/// <param name="Tier">core, regional or edge.</param>
/// <param name="Dimension">vcpu-hour, ram-gib-hour or disk-gib-hour.</param>
/// <param name="MicroMinorPerUnitHour">Millionths of a minor unit per unit-hour.</param>
public sealed record PriceRequest(string? Tier, string? Dimension, long? MicroMinorPerUnitHour);

/// <summary>
/// Price books for REST, CLI and portal alike: anyone with billing.read lists and reads them; a platform-wide
/// billing.write holder (billing-admin) adds the next version, whose hash goes on chain at once — or, when the chain is
/// away, by <see cref="RecordPendingAsync"/> later (nothing is lost; a version is recorded once).
/// </summary>
public sealed class PriceBookService(IPriceBookStore store, IBillingLedger ledger)
{
    /// <summary>Every version, oldest first.</summary>
    public async Task<Result<IReadOnlyList<StoredPriceBook>>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.HasAny(Permission.BillingRead)
            ? Result<IReadOnlyList<StoredPriceBook>>.Ok(await store.ListAsync(cancellationToken).ConfigureAwait(false))
            : AccessErrors.Forbidden(Permission.BillingRead);
    }

    /// <summary>One version.</summary>
    public async Task<Result<StoredPriceBook>> GetAsync(Caller caller, long version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.HasAny(Permission.BillingRead))
        {
            return AccessErrors.Forbidden(Permission.BillingRead);
        }

        return await store.GetAsync(version, cancellationToken).ConfigureAwait(false) is { } book
            ? Result<StoredPriceBook>.Ok(book)
            : Error.NotFound("version", $"There is no price book version {version}.");
    }

    /// <summary>Adds the next version; its hash is recorded on chain now, or later when the chain is away.</summary>
    public async Task<Result<StoredPriceBook>> CreateAsync(Caller caller, string actor, PriceBookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!caller.Can(Permission.BillingWrite, null))
        {
            return AccessErrors.Forbidden(Permission.BillingWrite);
        }

        var latest = (await store.ListAsync(cancellationToken).ConfigureAwait(false)).LastOrDefault();
        var (book, errors) = Parse(request, (latest?.Book.Version ?? 0) + 1);
        if (latest is not null && request.EffectiveFrom is { } from && from <= latest.Book.EffectiveFrom)
        {
            errors["effectiveFrom"] = [$"Must be after version {latest.Book.Version}'s, {latest.Book.EffectiveFrom:u}."];
        }

        foreach (var (field, messages) in book.Validate())
        {
            errors.TryAdd(field, messages);
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        StoredPriceBook stored;
        try
        {
            stored = await store.AddAsync(book, caller.Id, new AuditEvent(actor, "billing.price-book.created", $"price-book:{book.Version}", JsonSerializer.Serialize(new
            {
                version = book.Version, hash = "0x" + Convert.ToHexStringLower(book.Hash()), effectiveFrom = book.EffectiveFrom, currency = book.Currency,
            })), cancellationToken).ConfigureAwait(false);
        }
        catch (StoreConflictException)
        {
            return Error.Conflict("version", $"Version {book.Version} was made meanwhile; read the price books and try again.");
        }

        try
        {
            return Result<StoredPriceBook>.Ok(await RecordAsync(stored, cancellationToken).ConfigureAwait(false));
        }
        catch (LedgerUnavailableException)
        {
            return Result<StoredPriceBook>.Ok(stored); // recorded by RecordPendingAsync once the chain answers
        }
        catch (BillingRefusedException ex)
        {
            // Another control plane recorded this version with other prices, or this key lacks BILLING_ROLE.
            return Error.Conflict("version", $"Version {book.Version} is stored here, but the chain refuses its hash: {ex.Message}");
        }
    }

    /// <summary>
    /// Records on chain every version not recorded yet; returns how many were, and the refusals (a version the chain
    /// holds with another hash, a key without BILLING_ROLE), which are left for an operator and tried again next time.
    /// </summary>
    /// <exception cref="LedgerUnavailableException">The chain is away; the rest waits for the next call.</exception>
    public async Task<(int Recorded, IReadOnlyList<string> Refused)> RecordPendingAsync(CancellationToken cancellationToken)
    {
        var (recorded, refused) = (0, new List<string>());
        foreach (var book in await store.GetUnrecordedAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await RecordAsync(book, cancellationToken).ConfigureAwait(false);
                recorded++;
            }
            catch (BillingRefusedException ex)
            {
                refused.Add(ex.Message);
            }
        }

        return (recorded, refused);
    }

    private async Task<StoredPriceBook> RecordAsync(StoredPriceBook stored, CancellationToken cancellationToken)
    {
        // A repeat of the same version and hash is a no-op on chain, so a crash between these two lines is harmless.
        var receipt = await ledger.RecordPriceBookAsync(stored.Book.Version, stored.Hash, stored.Book.EffectiveFrom, cancellationToken).ConfigureAwait(false);
        await store.MarkRecordedAsync(stored.Book.Version, receipt, cancellationToken).ConfigureAwait(false);
        return stored with { Recorded = receipt };
    }

    private static (PriceBook Book, Dictionary<string, string[]> Errors) Parse(PriceBookRequest request, long version)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.EffectiveFrom is null)
        {
            errors["effectiveFrom"] = ["Required: when the prices take effect, UTC in whole seconds."];
        }

        if (request.MinorDigits is null)
        {
            errors["minorDigits"] = ["Required: the digits of the currency's minor unit (2 for USD)."];
        }

        var prices = new List<Price>();
        var given = request.Prices ?? [];
        for (var i = 0; i < given.Count; i++)
        {
            var p = given[i];
            var tier = BillingNames.Tier(p?.Tier);
            var dimension = BillingNames.Dimension(p?.Dimension);
            if (tier is null)
            {
                errors[$"prices[{i}].tier"] = ["One of: core, regional, edge."];
            }

            if (dimension is null)
            {
                errors[$"prices[{i}].dimension"] = ["One of: vcpu-hour, ram-gib-hour, disk-gib-hour."];
            }

            if (p?.MicroMinorPerUnitHour is not >= 0)
            {
                errors[$"prices[{i}].microMinorPerUnitHour"] = ["Required, 0 or more: millionths of a minor unit per unit-hour (4200000 is 4.2 cents)."];
            }

            if (tier is { } t && dimension is { } d && p?.MicroMinorPerUnitHour is { } rate and >= 0)
            {
                prices.Add(new Price(t, d, rate));
            }
        }

        return (new PriceBook(version, request.EffectiveFrom ?? default, request.Currency ?? string.Empty, request.MinorDigits ?? 0, prices), errors);
    }
}
