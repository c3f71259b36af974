using System.Net;
using System.Net.Http.Json;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.TestSupport;

namespace Sankofa.Server.Tests.Monitoring;

/// <summary>
/// A chain that stops answering shows in the metrics: <c>sankofa_chain_up</c> drops to 0 while identity changes pile up in
/// <c>sankofa_identity_chain_pending_steps</c>, and both recover when it is back. A real anvil process, stopped and restarted.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class ChainOutageMetricsTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-metrics-outage-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task An_unreachable_chain_shows_as_down_with_identity_steps_waiting_and_recovers()
    {
        await using var anvil = await ExternalAnvil.StartAsync(directory.FullName);
        await using var server = await TestServer.StartAsync(Path.Combine(directory.FullName, "server"), new Dictionary<string, string?>
        {
            ["Ledger:RpcUrl"] = anvil.RpcUrl.ToString(),
            ["Ledger:KeyPassword"] = "metrics-outage-test-password",
            ["Ledger:RpcTimeout"] = "00:00:02",
            ["Ledger:ConfirmationTimeout"] = "00:00:05",
            ["Identity:Accounts:ChainMinRetryDelay"] = "00:00:00.200",
            ["Identity:Accounts:ChainMaxRetryDelay"] = "00:00:01",
            ["Monitoring:CountInterval"] = "00:00:00.200",
            ["Monitoring:ChainProbeInterval"] = "00:00:00.200",
            ["Monitoring:ChainProbeTimeout"] = "00:00:01",
        });
        var up = await Eventually.UntilAsync(() => MetricsScrape.ReadAsync(server), s => s.Value("sankofa_chain_up") == 1);
        Assert.Equal(1, up.Value("sankofa_chain_up"));
        // One identity while the chain answers: the server learns the chain id (DIDs), as any deployment has before an outage.
        await CreateUserAsync(server, "before-outage");

        await anvil.StopAsync();
        await CreateUserAsync(server, "during-outage");
        var down = await Eventually.UntilAsync(
            () => MetricsScrape.ReadAsync(server), s => s.Value("sankofa_chain_up") == 0 && s.Value("sankofa_identity_chain_pending_steps") >= 2);

        Assert.Equal(0, down.Value("sankofa_chain_up"));
        Assert.True(down.Value("sankofa_identity_chain_pending_steps") >= 2, "pending steps: " + down.Value("sankofa_identity_chain_pending_steps")); // registration and role grant
        Assert.True(down.Value("sankofa_chain_head_age_seconds") >= 0);

        await anvil.RestartAsync();
        var back = await Eventually.UntilAsync(
            () => MetricsScrape.ReadAsync(server), s => s.Value("sankofa_chain_up") == 1 && s.Value("sankofa_identity_chain_pending_steps") == 0, TimeSpan.FromSeconds(60));

        Assert.Equal(1, back.Value("sankofa_chain_up"));
        Assert.Equal(0, back.Value("sankofa_identity_chain_pending_steps"));
    }

    private static async Task CreateUserAsync(TestServer server, string userName)
    {
        using var response = await server.Client.PostAsJsonAsync("api/v1/identities/users", new { userName, password = "outage test password", roles = new[] { "viewer@acme" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
