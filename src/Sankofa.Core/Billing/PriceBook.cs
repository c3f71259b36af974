using System.Security.Cryptography;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Billing;

/// <summary>What is charged for, per unit-hour.</summary>
public enum BillingDimension
{
    /// <summary>One vCPU for one hour.</summary>
    VCpu,

    /// <summary>One GiB of RAM for one hour (usage is kept in MiB-seconds: 1 GiB = 1024 MiB).</summary>
    RamGiB,

    /// <summary>One GiB of disk for one hour.</summary>
    DiskGiB,
}

/// <summary>One price: a tier's rate for a dimension.</summary>
/// <param name="Tier">The site tier it applies to.</param>
/// <param name="Dimension">What is charged.</param>
/// <param name="MicroMinorPerUnitHour">
/// The rate in millionths of the currency's minor unit per unit-hour: 4,200,000 is 4.2 cents per vCPU-hour in USD.
/// An integer, so every party computes the same charges to the last digit.
/// </param>
public sealed record Price(SiteTier Tier, BillingDimension Dimension, long MicroMinorPerUnitHour);

/// <summary>
/// A version of the prices, in one currency, in force from <paramref name="EffectiveFrom"/> until the next version's.
/// Its <see cref="Hash"/> is recorded on chain when it takes effect, so anyone can tell which prices an invoice used.
/// </summary>
/// <param name="Version">1, 2, … in order of effect.</param>
/// <param name="EffectiveFrom">When it takes effect (UTC, whole seconds).</param>
/// <param name="Currency">ISO 4217 code, upper case (USD, EUR, GHS, …).</param>
/// <param name="MinorDigits">Digits of the currency's minor unit (2 for USD, 0 for JPY).</param>
/// <param name="Prices">One price per tier and dimension, every pair present.</param>
public sealed record PriceBook(long Version, DateTimeOffset EffectiveFrom, string Currency, int MinorDigits, IReadOnlyList<Price> Prices)
{
    private static readonly byte[] Domain = "sankofa.price-book.v1"u8.ToArray();

    /// <summary>The rate for a tier and dimension.</summary>
    /// <exception cref="KeyNotFoundException">The book has none (a validated book has every pair).</exception>
    public long RateOf(SiteTier tier, BillingDimension dimension) =>
        Prices.FirstOrDefault(p => p.Tier == tier && p.Dimension == dimension)?.MicroMinorPerUnitHour
        ?? throw new KeyNotFoundException($"Price book {Version} has no {BillingNames.Name(dimension)} price for {BillingNames.Name(tier)}.");

    /// <summary>
    /// The canonical hash (docs/billing.md): <c>SHA256("sankofa.price-book.v1" ‖ version ‖ effectiveFrom ‖ currency ‖
    /// minorDigits ‖ count ‖ (tier ‖ dimension ‖ rate)…)</c>, integers as 8-byte big-endian (effectiveFrom in unix
    /// seconds), strings as a 4-byte big-endian length then UTF-8, prices ordered by tier then dimension as named in the
    /// document (core, regional, edge; vcpu-hour, ram-gib-hour, disk-gib-hour).
    /// </summary>
    public byte[] Hash()
    {
        var encoding = new BillingEncoding(Domain);
        encoding.Int(Version);
        encoding.Int(EffectiveFrom.ToUnixTimeSeconds());
        encoding.Text(Currency);
        encoding.Int(MinorDigits);
        var ordered = Prices.OrderBy(p => p.Tier).ThenBy(p => p.Dimension).ToList();
        encoding.Int(ordered.Count);
        foreach (var price in ordered)
        {
            encoding.Text(BillingNames.Name(price.Tier));
            encoding.Text(BillingNames.Name(price.Dimension));
            encoding.Int(price.MicroMinorPerUnitHour);
        }

        return SHA256.HashData(encoding.ToArray());
    }

    /// <summary>Problems with the book, keyed by field (<c>currency</c>, <c>prices[2].microMinorPerUnitHour</c>, …); empty when valid.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Version < 1)
        {
            errors["version"] = ["Must be 1 or more."];
        }

        if (EffectiveFrom.Ticks % TimeSpan.TicksPerSecond != 0 || EffectiveFrom.Offset != TimeSpan.Zero)
        {
            errors["effectiveFrom"] = ["Must be UTC in whole seconds, e.g. 2027-01-01T00:00:00Z."];
        }

        if (Currency is not { Length: 3 } || !Currency.All(char.IsAsciiLetterUpper))
        {
            errors["currency"] = ["Must be an ISO 4217 code: three upper-case letters, e.g. USD."];
        }

        if (MinorDigits is < 0 or > 4)
        {
            errors["minorDigits"] = ["Must be 0 to 4 (2 for USD, 0 for JPY)."];
        }

        for (var i = 0; i < Prices.Count; i++)
        {
            if (Prices[i].MicroMinorPerUnitHour < 0)
            {
                errors[$"prices[{i}].microMinorPerUnitHour"] = ["Must not be negative."];
            }
        }

        var missing = Enum.GetValues<SiteTier>().SelectMany(t => Enum.GetValues<BillingDimension>().Select(d => (t, d)))
            .Where(pair => Prices.Count(p => p.Tier == pair.t && p.Dimension == pair.d) != 1)
            .Select(pair => $"{BillingNames.Name(pair.t)} {BillingNames.Name(pair.d)}")
            .ToList();
        if (missing.Count > 0)
        {
            errors["prices"] = [$"Need exactly one price per tier and dimension; missing or repeated: {string.Join(", ", missing)}."];
        }

        return errors;
    }
}
