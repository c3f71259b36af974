using System.Net;
using System.Text.Json;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Hosting;

/// <summary>What anonymous callers are told never repeats a secret from the settings nor an exception's text.</summary>
public sealed class PublicAnswersTests : IDisposable
{
    private const string Secret = "rpc-secret-7f3a";

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-public-answers-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task The_ledger_endpoint_and_readiness_never_show_the_chain_urls_credentials_nor_exception_text()
    {
        await using var anvil = await ExternalAnvil.StartAsync(directory.FullName);
        var rpcUrl = $"http://operator:{Secret}@127.0.0.1:{anvil.Port}/?apikey={Secret}";
        await using var server = await TestServer.StartAsync(Path.Combine(directory.FullName, "server"), new Dictionary<string, string?>
        {
            ["Ledger:RpcUrl"] = rpcUrl,
            ["Ledger:KeyPassword"] = "public-answers-test-password",
            ["Ledger:RpcTimeout"] = "00:00:02",
        });

        var ledgerText = await server.Anonymous.GetStringAsync("api/v1/ledger");
        Assert.DoesNotContain(Secret, ledgerText, StringComparison.Ordinal);
        var ledger = JsonDocument.Parse(ledgerText).RootElement;
        Assert.Equal($"http://127.0.0.1:{anvil.Port}/", ledger.GetProperty("rpcUrl").GetString());

        await anvil.StopAsync();
        using var ready = await server.Anonymous.GetAsync("readyz");
        var readyText = await ready.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("unreachable", JsonDocument.Parse(readyText).RootElement.GetProperty("chain").GetString());
        Assert.DoesNotContain(Secret, readyText, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", readyText, StringComparison.Ordinal);

        using var away = await server.Anonymous.GetAsync("api/v1/ledger");
        var awayText = await away.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, away.StatusCode);
        Assert.DoesNotContain(Secret, awayText, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", awayText, StringComparison.Ordinal);
    }
}
