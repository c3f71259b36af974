using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Access;
using Sankofa.Core.Billing;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Access;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.Billing;

/// <summary>Billing over REST (docs/billing.md): price books so far.</summary>
internal static class BillingApi
{
    public static IEndpointRouteBuilder MapBillingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/billing").WithTags("Billing");
        api.MapGet("/prices", ListAsync).WithName("ListPriceBooks").Requires(Permission.BillingRead)
            .WithSummary("Every price book version, oldest first, with its canonical hash and the transaction that recorded it on chain.");
        api.MapGet("/prices/{version:long}", GetAsync).WithName("GetPriceBook").Requires(Permission.BillingRead)
            .WithSummary("One price book version.");
        api.MapPost("/prices", CreateAsync).WithName("CreatePriceBook").Requires(Permission.BillingWrite)
            .WithSummary("Adds the next price book version (billing-admin): one price per tier and dimension, in force from effectiveFrom; its hash is recorded on chain.");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<PriceBookResponse>>, ProblemHttpResult>> ListAsync(HttpContext context, PriceBookService books, CancellationToken cancellationToken)
    {
        var answer = await books.ListAsync(context.RequiredCaller(), cancellationToken);
        return answer.Value is { } list ? TypedResults.Ok<IReadOnlyList<PriceBookResponse>>([.. list.Select(PriceBookResponse.From)]) : answer.Error!.ToProblem();
    }

    private static async Task<Results<Ok<PriceBookResponse>, ProblemHttpResult>> GetAsync(long version, HttpContext context, PriceBookService books, CancellationToken cancellationToken)
    {
        var answer = await books.GetAsync(context.RequiredCaller(), version, cancellationToken);
        return answer.Value is { } book ? TypedResults.Ok(PriceBookResponse.From(book)) : answer.Error!.ToProblem();
    }

    private static async Task<Results<Created<PriceBookResponse>, ProblemHttpResult>> CreateAsync(
        PriceBookRequest? body, HttpContext context, PriceBookService books, CancellationToken cancellationToken)
    {
        var answer = await books.CreateAsync(context.RequiredCaller(), ProvisioningApi.Actor(context), body ?? new PriceBookRequest(null, null, null, null), cancellationToken);
        return answer.Value is { } book
            ? TypedResults.Created($"/api/v1/billing/prices/{book.Book.Version}", PriceBookResponse.From(book))
            : answer.Error!.ToProblem();
    }
}

/// <summary>A price book version.</summary>
/// <param name="Version">Its version.</param>
/// <param name="EffectiveFrom">When it takes effect.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="MinorDigits">Digits of the minor unit.</param>
/// <param name="Prices">One per tier and dimension.</param>
/// <param name="Hash">Its canonical hash (docs/billing.md), 0x hex: what the chain records.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="CreatedBy">Who made it.</param>
/// <param name="Transaction">The transaction that recorded the hash on chain; null while still to do.</param>
/// <param name="Block">Its block.</param>
public sealed record PriceBookResponse(
    long Version, DateTimeOffset EffectiveFrom, string Currency, int MinorDigits, IReadOnlyList<PriceRequest> Prices, string Hash,
    DateTimeOffset CreatedAt, string CreatedBy, string? Transaction, long? Block)
{
    internal static PriceBookResponse From(StoredPriceBook s) => new(
        s.Book.Version, s.Book.EffectiveFrom, s.Book.Currency, s.Book.MinorDigits,
        [.. s.Book.Prices.OrderBy(p => p.Tier).ThenBy(p => p.Dimension)
            .Select(p => new PriceRequest(BillingNames.Name(p.Tier), BillingNames.Name(p.Dimension), p.MicroMinorPerUnitHour))],
        "0x" + Convert.ToHexStringLower(s.Hash), s.CreatedAt, s.CreatedBy, s.Recorded?.TransactionHash, s.Recorded?.BlockNumber);
}
