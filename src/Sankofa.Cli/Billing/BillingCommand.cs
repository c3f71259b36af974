using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Server.Billing;

namespace Sankofa.Cli.Billing;

/// <summary><c>sankofa billing prices [show VERSION | create --file F]</c> and the invoice commands (<see cref="InvoiceCommands"/>), docs/billing.md.</summary>
internal static class BillingCommand
{
    /// <summary>Exit code: done.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: not found.</summary>
    public const int NotFound = 1;

    /// <summary>Exit code: refused, bad input or connection error.</summary>
    public const int Error = 2;

    /// <summary>Exit code: the invoice did not verify (or cannot be proven yet).</summary>
    public const int Failed = 3;

    public static Command Create()
    {
        var billing = new Command("billing", "Billing: price books, invoices and settlement (docs/billing.md).");
        billing.Subcommands.Add(PricesCommand());
        foreach (var command in InvoiceCommands.Create())
        {
            billing.Subcommands.Add(command);
        }

        return billing;
    }

    private static Command PricesCommand()
    {
        var prices = new Command("prices", "Every price book version, oldest first: when it takes effect, its currency, its hash and whether the chain holds it.");
        prices.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var books = await api.GetAsync<IReadOnlyList<PriceBookResponse>>("api/v1/billing/prices", ct);
            Print(parse, books, string.Join('\n', books.Select(b => string.Create(CultureInfo.InvariantCulture,
                $"v{b.Version,-4} from {b.EffectiveFrom:u}  {b.Currency}  {b.Hash}  {(b.Transaction is { } tx ? "on chain " + tx : "chain: pending")}")).Prepend($"{books.Count} version(s)")));
        }));

        var version = new Argument<long>("version") { Description = "The version." };
        var show = new Command("show", "One price book: every price, its hash and the transaction that recorded it.") { version };
        show.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var b = await api.GetAsync<PriceBookResponse>($"api/v1/billing/prices/{parse.GetValue(version)}", ct);
            var chain = b.Transaction is { } tx ? $"on chain: transaction {tx}, block {b.Block}" : "chain: pending (recorded once the chain answers)";
            var lines = b.Prices.Select(p => string.Create(CultureInfo.InvariantCulture,
                $"  {p.Tier,-9} {p.Dimension,-14} {p.MicroMinorPerUnitHour,12} millionths of a minor unit per unit-hour ({Minor(p.MicroMinorPerUnitHour.GetValueOrDefault())} minor)"));
            Print(parse, b, string.Create(CultureInfo.InvariantCulture, $"v{b.Version} from {b.EffectiveFrom:u}, {b.Currency} ({b.MinorDigits} minor digits)\n  hash {b.Hash}\n  {chain}\n")
                + string.Join('\n', lines));
        }));

        var file = new Option<FileInfo>("--file") { Description = "The new version as JSON: {effectiveFrom, currency, minorDigits, prices: [{tier, dimension, microMinorPerUnitHour}]}.", Required = true };
        var create = new Command("create", "Add the next price book version (billing-admin); its hash is recorded on chain.") { file };
        create.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var b = await api.PostJsonAsync<PriceBookResponse>("api/v1/billing/prices", await File.ReadAllTextAsync(parse.GetValue(file)!.FullName, ct), ct);
            Print(parse, b, $"price book v{b.Version} made, hash {b.Hash}, " + (b.Transaction is { } tx ? $"recorded on chain in {tx}" : "to be recorded on chain once it answers"));
        }));

        prices.Subcommands.Add(show);
        prices.Subcommands.Add(create);
        return prices;
    }

    // Millionths of a minor unit, as minor units with up to six decimals.
    private static string Minor(long micro) => (micro / 1_000_000m).ToString("0.######", CultureInfo.InvariantCulture);

    internal static void Print(ParseResult parse, object value, string text) =>
        parse.InvocationConfiguration.Output.WriteLine(parse.GetValue(SankofaCommand.Output) == OutputFormat.Json ? JsonSerializer.Serialize(value, SankofaApiClient.Json) : text);

    internal static async Task<int> RunAsync(ParseResult parse, Func<SankofaApiClient, Task> action)
    {
        try
        {
            using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
            await action(api);
            return Ok;
        }
        catch (ApiProblemException ex)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("billing: " + ex.Message);
            return ex.StatusCode == System.Net.HttpStatusCode.NotFound ? NotFound : Error;
        }
        catch (VerificationFailedException)
        {
            return Failed;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or ArgumentException or InvalidOperationException or FormatException
                                   or Core.Ledger.LedgerUnavailableException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("billing: " + ex.Message);
            return Error;
        }
    }
}
