using System.Text.Json;
using Sankofa.Cli.Billing;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Cli.Tests.Billing;

/// <summary>`sankofa billing prices` against a real server and chain, signed in as the platform administrator.</summary>
public sealed class BillingCommandTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Directory.CreateTempSubdirectory("sankofa-prices-").FullName, "prices.json");
    private ProvisioningHarness h = null!;

    public async Task InitializeAsync()
    {
        h = await ProvisioningHarness.StartAsync();
        await CliConfig.SignInAsAdministratorAsync(h.Server.Address);
    }

    public async Task DisposeAsync()
    {
        await h.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await SankofaCommand.Create().Parse([.. args, "--server", h.Server.Address.ToString()])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Create_from_a_file_list_and_show_a_price_book_and_a_bad_file_names_its_fields()
    {
        await File.WriteAllTextAsync(_file, JsonSerializer.Serialize(new
        {
            effectiveFrom = "2032-01-01T00:00:00Z", currency = "GHS", minorDigits = 2,
            prices = new[] { "core", "regional", "edge" }.SelectMany(tier => new[] { "vcpu-hour", "ram-gib-hour", "disk-gib-hour" }
                .Select(dimension => new { tier, dimension, microMinorPerUnitHour = 1_500_000L })),
        }));

        var (exit, output, error) = await RunAsync("billing", "prices", "create", "--file", _file, "--output", "json");
        Assert.True(exit == BillingCommand.Ok, error);
        var created = JsonDocument.Parse(output).RootElement;
        var version = created.GetProperty("version").GetInt64();
        Assert.Matches("^0x[0-9a-f]{64}$", created.GetProperty("transaction").GetString()); // recorded on chain

        (exit, output, _) = await RunAsync("billing", "prices");
        Assert.Equal(BillingCommand.Ok, exit);
        Assert.Contains($"v{version}", output, StringComparison.Ordinal);
        Assert.Contains("GHS", output, StringComparison.Ordinal);

        (exit, output, _) = await RunAsync("billing", "prices", "show", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(BillingCommand.Ok, exit);
        Assert.Contains("edge      disk-gib-hour       1500000 millionths of a minor unit per unit-hour (1.5 minor)", output, StringComparison.Ordinal);

        await File.WriteAllTextAsync(_file, """{"effectiveFrom": "2033-01-01T00:00:00Z", "currency": "cedi", "minorDigits": 2, "prices": []}""");
        (exit, _, error) = await RunAsync("billing", "prices", "create", "--file", _file);
        Assert.Equal(BillingCommand.Error, exit);
        Assert.Contains("currency", error, StringComparison.Ordinal);

        (exit, _, _) = await RunAsync("billing", "prices", "show", "424242");
        Assert.Equal(BillingCommand.NotFound, exit);
    }
}
