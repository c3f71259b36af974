using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Core.Billing;
using Sankofa.Core.Topology;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Billing;

/// <summary>
/// Price books over REST against a real server and chain: a billing-admin adds versions, each hash recorded on chain
/// (read back with an eth_call through the server's read-only endpoint); bad bodies are 400s naming each field; a
/// billing-viewer reads but cannot add; without a token, 401.
/// </summary>
public sealed class PriceBookApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly DateTimeOffset Start = new(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private TestServer Server => fixture.Server;

    private static object Body(DateTimeOffset effectiveFrom, string currency = "USD") => new
    {
        effectiveFrom,
        currency,
        minorDigits = 2,
        prices = new[] { "core", "regional", "edge" }.SelectMany(tier => new[]
        {
            new { tier, dimension = "vcpu-hour", microMinorPerUnitHour = tier == "core" ? 4_200_000L : 3_600_000L },
            new { tier, dimension = "ram-gib-hour", microMinorPerUnitHour = 600_000L },
            new { tier, dimension = "disk-gib-hour", microMinorPerUnitHour = 15_000L },
        }),
    };

    [Fact]
    public async Task A_billing_admin_adds_versions_whose_hash_the_chain_records_and_bad_bodies_name_their_fields()
    {
        using var admin = await ClientAsync("billing-admin");
        using var viewer = await ClientAsync("billing-viewer@acme-" + Guid.NewGuid().ToString("N")[..6]);

        using var created = await admin.PostAsJsonAsync("api/v1/billing/prices", Body(Start));
        var first = await ReadAsync(created, HttpStatusCode.Created);
        var version = first.GetProperty("version").GetInt64();
        Assert.Equal($"/api/v1/billing/prices/{version}", created.Headers.Location!.ToString());

        // The hash is the canonical one, computed here from the same prices, and the chain holds it for this version.
        var expected = new PriceBook(version, Start, "USD", 2, [.. new[] { SiteTier.Core, SiteTier.Regional, SiteTier.Edge }.SelectMany(t => new Price[]
        {
            new(t, BillingDimension.VCpu, t == SiteTier.Core ? 4_200_000 : 3_600_000), new(t, BillingDimension.RamGiB, 600_000), new(t, BillingDimension.DiskGiB, 15_000),
        })]).Hash();
        Assert.Equal("0x" + Convert.ToHexStringLower(expected), first.GetProperty("hash").GetString());
        Assert.Matches("^0x[0-9a-f]{64}$", first.GetProperty("transaction").GetString());
        Assert.StartsWith(first.GetProperty("hash").GetString(), await PriceBookOnChainAsync(version), StringComparison.Ordinal);

        // GraphQL answers the same, for the same readers.
        using (var graph = await viewer.PostAsJsonAsync("graphql", new { query = "{ priceBooks { version hash transaction prices { tier dimension microMinorPerUnitHour } } }" }))
        {
            var books = (await ReadAsync(graph, HttpStatusCode.OK)).GetProperty("data").GetProperty("priceBooks");
            var same = books.EnumerateArray().Single(b => b.GetProperty("version").GetInt64() == version);
            Assert.Equal(first.GetProperty("hash").GetString(), same.GetProperty("hash").GetString());
            Assert.Equal(9, same.GetProperty("prices").GetArrayLength());
        }

        // A later version; one not after the latest is refused naming effectiveFrom.
        using (var second = await admin.PostAsJsonAsync("api/v1/billing/prices", Body(Start.AddDays(31), "EUR")))
        {
            Assert.Equal(version + 1, (await ReadAsync(second, HttpStatusCode.Created)).GetProperty("version").GetInt64());
        }

        using (var early = await admin.PostAsJsonAsync("api/v1/billing/prices", Body(Start.AddDays(1))))
        {
            Assert.True((await ReadAsync(early, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("effectiveFrom", out _));
        }

        using (var bad = await admin.PostAsJsonAsync("api/v1/billing/prices", new
        {
            effectiveFrom = Start.AddYears(1), currency = "dollars", minorDigits = 2,
            prices = new[] { new { tier = "galaxy", dimension = "vcpu-hour", microMinorPerUnitHour = -5L } },
        }))
        {
            var errors = (await ReadAsync(bad, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.All(new[] { "currency", "prices[0].tier", "prices" }, field => Assert.True(errors.TryGetProperty(field, out _), field));
        }

        // A billing-viewer reads them, and may not add one; nobody without a token reads them.
        var listed = await viewer.GetFromJsonAsync<JsonElement>("api/v1/billing/prices");
        Assert.Contains(listed.EnumerateArray(), b => b.GetProperty("version").GetInt64() == version);
        using (var refused = await viewer.PostAsJsonAsync("api/v1/billing/prices", Body(Start.AddYears(2))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var anonymous = await Server.Anonymous.GetAsync("api/v1/billing/prices");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var missing = await viewer.GetAsync("api/v1/billing/prices/999999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private async Task<HttpClient> ClientAsync(string role)
    {
        var (_, token) = await ServiceAccounts.CreateAsync(Server.Client, role);
        var client = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<string> PriceBookOnChainAsync(long version)
    {
        var ledger = await Server.Anonymous.GetFromJsonAsync<JsonElement>("api/v1/ledger");
        var data = "0x" + Convert.ToHexStringLower(Nethereum.Util.Sha3Keccack.Current.CalculateHash("priceBookOf(uint64)"u8.ToArray())[..4]) + version.ToString("x64");
        using var answer = await Server.Anonymous.PostAsJsonAsync("chain/rpc", new
        {
            jsonrpc = "2.0", id = 1, method = "eth_call", @params = new object[] { new { to = ledger.GetProperty("billingAddress").GetString(), data }, "latest" },
        });
        return (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString()!;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}
