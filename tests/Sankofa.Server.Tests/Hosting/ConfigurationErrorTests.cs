using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Hosting;

/// <summary>A wrong setting stops start-up with an error that names it; nothing falls back to a default silently.</summary>
public sealed class ConfigurationErrorTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-config-");

    public void Dispose() => directory.Delete(recursive: true);

    [Theory]
    [InlineData("Store:Provider", "oracle")]
    [InlineData("Audit:BatchSize", "0")]
    [InlineData("Audit:BatchesPerAnchor", "5000")]
    [InlineData("Ledger:ChainId", "not-a-number")]
    [InlineData("Audit:IdleDelay", "soon")]
    public async Task A_bad_setting_fails_start_up_naming_it(string key, string value)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            TestServer.StartAsync(directory.FullName, new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_fails_start_up_naming_the_setting()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            TestServer.StartAsync(directory.FullName, new Dictionary<string, string?> { ["Store:Provider"] = "postgres" }));

        Assert.Contains("Store:ConnectionString", error.Message, StringComparison.Ordinal);
    }
}
