using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Ledger;

/// <summary>The read-only chain endpoint is open to anyone, so one client address cannot keep the chain node busy.</summary>
public sealed class ChainRpcRateLimitTests(RateLimitFixture fixture) : IClassFixture<RateLimitFixture>
{
    [Fact]
    public async Task Chain_calls_past_the_burst_from_one_address_get_a_429_problem_with_retry_after()
    {
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        // Five at once, then two a second: twenty calls in a row cannot all pass, however slowly this machine runs them.
        for (var i = 0; i < 20 && limited is null; i++)
        {
            var answer = await fixture.Server.Anonymous.PostAsJsonAsync("chain/rpc", new { jsonrpc = "2.0", id = i, method = "eth_blockNumber", @params = Array.Empty<object>() });
            statuses.Add(answer.StatusCode);
            if (answer.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = answer;
            }
            else
            {
                answer.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.All(statuses[..5], s => Assert.Equal(HttpStatusCode.OK, s));
            Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
            var problem = await limited.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Too many chain calls from this address.", problem.GetProperty("title").GetString());
        }
    }
}
