using System.Net;
using System.Net.Http.Json;
using Sankofa.Server.Identity.Accounts;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Identity.Accounts;

/// <summary>
/// Identity changes made while the chain is unreachable are accepted, kept in the store's outbox across a server
/// restart, and recorded on chain once it is back, each exactly once.
/// </summary>
public sealed class ChainOutageTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-identity-outage-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    private static Dictionary<string, string?> ExternalChain(ExternalAnvil anvil) => new(IdentityFixture.FastThrottle)
    {
        ["Ledger:RpcUrl"] = anvil.RpcUrl.ToString(),
        ["Ledger:KeyPassword"] = "identity-outage-test-password",
        ["Ledger:RpcTimeout"] = "00:00:02",
        ["Ledger:ConfirmationTimeout"] = "00:00:05",
    };

    [Fact]
    public async Task Identities_created_and_suspended_while_the_chain_is_down_are_recorded_once_it_is_back_even_after_a_restart()
    {
        var data = Path.Combine(directory.FullName, "server");
        await using var anvil = await ExternalAnvil.StartAsync(directory.FullName);
        string before;
        string during;
        await using (var server = await TestServer.StartAsync(data, ExternalChain(anvil)))
        {
            before = (await CreateAsync(server.Client, "before-outage")).Identity.Id;
            Assert.Equal("active", (await IdentityPolling.WaitRecordedAsync(server.Client, before)).OnChain!.Status);

            await anvil.StopAsync();
            var created = await CreateAsync(server.Client, "during-outage");
            during = created.Identity.Id;
            Assert.Equal("none", created.Identity.Chain.Recorded);
            using (var suspend = await server.Client.PostAsync($"api/v1/identities/{before}/suspend", null))
            {
                Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
            }

            await Task.Delay(TimeSpan.FromSeconds(2)); // several failed rounds of the chain worker
            var waiting = (await server.Client.GetFromJsonAsync<IdentityResponse>($"api/v1/identities/{during}", Json.Options))!;
            Assert.Equal((2, "none"), (waiting.Chain.Pending, waiting.Chain.Recorded));
            Assert.NotNull(waiting.OnChainError);
        }

        // The chain comes back while the server is down; the next start finds the outbox and drains it.
        await anvil.RestartAsync();
        await using (var server = await TestServer.StartAsync(data, ExternalChain(anvil)))
        {
            var registered = await IdentityPolling.WaitRecordedAsync(server.Client, during);
            Assert.Equal(("active", "active", true, 1), (registered.Chain.Recorded, registered.OnChain!.Status, registered.OnChain.SubjectHashMatches, registered.OnChain.RoleCount));
            var suspended = await IdentityPolling.WaitRecordedAsync(server.Client, before);
            Assert.Equal(("suspended", "suspended"), (suspended.Chain.Recorded, suspended.OnChain!.Status));

            foreach (var (id, steps) in new[] { (during, 2), (before, 3) })
            {
                var identity = await IdentityPolling.WaitRecordedAsync(server.Client, id);
                Assert.Equal(steps, identity.Chain.Steps!.Count);
                Assert.All(identity.Chain.Steps, s => Assert.Equal("done", s.State));
                Assert.Equal(steps, (await IdentityPolling.AuditActionsAsync(server.Client, id)).Count(a => a == "identity.chain.recorded"));
            }
        }
    }

    private static async Task<CreatedIdentityResponse> CreateAsync(HttpClient client, string userName)
    {
        using var response = await client.PostAsJsonAsync("api/v1/identities/users", new { userName, password = "outage test password", roles = new[] { "viewer@acme" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CreatedIdentityResponse>(Json.Options))!;
    }
}
