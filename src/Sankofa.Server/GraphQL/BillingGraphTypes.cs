using GraphQL;
using GraphQL.Types;
using Sankofa.Core.Access;
using Sankofa.Core.Billing;
using Sankofa.Server.Billing;

namespace Sankofa.Server.GraphQL;

/// <summary>One price of a price book.</summary>
public sealed class PriceGraphType : ObjectGraphType<PriceRequest>
{
    /// <summary>Declares the fields.</summary>
    public PriceGraphType()
    {
        Name = "Price";
        Field<NonNullGraphType<StringGraphType>>("tier").Description("core, regional or edge.").Resolve(c => c.Source.Tier);
        Field<NonNullGraphType<StringGraphType>>("dimension").Description("vcpu-hour, ram-gib-hour or disk-gib-hour.").Resolve(c => c.Source.Dimension);
        Field<NonNullGraphType<LongGraphType>>("microMinorPerUnitHour").Description("Millionths of the currency's minor unit per unit-hour.")
            .Resolve(c => c.Source.MicroMinorPerUnitHour);
    }
}

/// <summary>A price book version, as <c>GET /api/v1/billing/prices/{version}</c> answers it.</summary>
public sealed class PriceBookGraphType : ObjectGraphType<PriceBookResponse>
{
    /// <summary>Declares the fields.</summary>
    public PriceBookGraphType()
    {
        Name = "PriceBook";
        Field(x => x.Version);
        Field(x => x.EffectiveFrom).Description("When it takes effect.");
        Field(x => x.Currency).Description("ISO 4217 code.");
        Field(x => x.MinorDigits).Description("Digits of the currency's minor unit.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PriceGraphType>>>>("prices").Resolve(c => c.Source.Prices);
        Field(x => x.Hash).Description("The canonical hash the chain records (docs/billing.md).");
        Field(x => x.Transaction, nullable: true).Description("The transaction that recorded it on chain; null while still to do.");
        Field(x => x.Block, nullable: true);
    }
}

/// <summary>Billing over GraphQL: price books, for billing.read holders, as over REST.</summary>
internal static class BillingFields
{
    public static void AddQueries(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<PriceBookGraphType>>>>("priceBooks")
            .Description("Every price book version, oldest first (billing.read).")
            .ResolveAsync(async c => (await c.RequestServices!.GetRequiredService<PriceBookService>().ListAsync(c.Require(Permission.BillingRead), c.CancellationToken))
                .Answer().Select(PriceBookResponse.From).ToList());
}
