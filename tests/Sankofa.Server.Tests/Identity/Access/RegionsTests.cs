using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core.Identity;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Keys;
using Sankofa.Server.Tests.Identity.Oidc;
using Sankofa.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Sankofa.Server.Tests.Identity.Access;

/// <summary>
/// Two regions sharing the chain but not a database (the seed's cross-region federation): region A runs the embedded
/// issuer and the chain; region B accepts A's tokens as an external issuer (<c>Auth:Authority</c>: the path a Keycloak
/// takes) and keeps its own store. An identity revoked through A is refused at B once B reads the chain, within the
/// issue's 5 seconds.
/// </summary>
public sealed class RegionsTests(ITestOutputHelper output)
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task A_token_of_region_A_works_at_region_B_until_A_revokes_the_identity_and_then_nowhere_within_5_seconds()
    {
        await using var a = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["Oidc:PortalRedirectUris:0"] = OidcFlows.RedirectUri });
        var ledger = await a.Services.GetRequiredService<ILedgerStatus>().GetStatusAsync(CancellationToken.None);

        // Region B: its own data directory and key, granted REGISTRAR_ROLE by A's admin key and funded on A's chain.
        var bDirectory = Directory.CreateTempSubdirectory("sankofa-region-b-").FullName;
        try
        {
            await BothRegionsAsync(a, ledger, bDirectory);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(bDirectory, recursive: true);
        }
    }

    private async Task BothRegionsAsync(TestServer a, LedgerStatus ledger, string bDirectory)
    {
        const string keyPassword = "region-b-key-password";
        var (key, _) = await SignerKeyStore.LoadOrCreateAsync(Path.Combine(bDirectory, "ledger", SignerKeyStore.KeyFileName), keyPassword, CancellationToken.None);
        var bAddress = key.Address;
        key.Dispose();
        await a.Services.GetRequiredService<IIdentityLedger>().GrantRegistrarAsync(bAddress, CancellationToken.None);
        using (var rpc = new HttpClient())
        using (await rpc.PostAsJsonAsync(ledger.RpcUrl, new { jsonrpc = "2.0", id = 1, method = "anvil_setBalance", @params = new[] { bAddress, "0xde0b6b3a7640000000" } }))
        {
        }

        await using var b = await TestServer.StartAsync(bDirectory, new Dictionary<string, string?>
        {
            ["Ledger:RpcUrl"] = ledger.RpcUrl,
            ["Ledger:ChainId"] = ledger.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Ledger:KeyPassword"] = keyPassword,
            ["Ledger:IdentityRegistryAddress"] = ledger.IdentityRegistryAddress,
            ["Auth:Authority"] = a.Address.ToString(),
            ["Auth:RequireHttpsMetadata"] = "false",
        });

        var (id, userName) = await TestIdentities.UserAsync(a, "viewer@t-regions", Password);
        var token = (await new OidcFlows(a.Address).AuthorizationCodeAsync(userName, Password)).GetProperty("access_token").GetString()!;

        // B has never heard of this identity in its own store; it trusts A's signature and the chain's word.
        using (var atB = await TestIdentities.MeAsync(b, token))
        {
            var body = await atB.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(atB.StatusCode == HttpStatusCode.OK, body.ToString());
            Assert.Equal(id, body.GetProperty("id").GetString());
            Assert.Equal(["viewer@t-regions"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        }

        using (var revoked = await a.Client.PostAsync($"api/v1/identities/{id}/revoke", null))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        // The region that revoked refuses at once, before the chain has it; the other learns it from the chain.
        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.Forbidden, (await TestIdentities.MeAsync(a, token)).StatusCode);
        HttpStatusCode atBStatus;
        while ((atBStatus = (await TestIdentities.MeAsync(b, token)).StatusCode) == HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        var atBAfter = clock.Elapsed;
        output.WriteLine($"revocation through A refused at B after {atBAfter.TotalMilliseconds:0} ms");
        Assert.Equal(HttpStatusCode.Forbidden, atBStatus);
        Assert.Equal(HttpStatusCode.Forbidden, (await TestIdentities.MeAsync(a, token)).StatusCode);

        // The bound: a revocation takes effect everywhere within 5 seconds (refresh every second, plus the outbox and a block).
        Assert.True(atBAfter < TimeSpan.FromSeconds(5), $"refused at B only after {atBAfter}");
    }
}
