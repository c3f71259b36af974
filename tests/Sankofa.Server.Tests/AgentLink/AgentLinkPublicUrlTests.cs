using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Server.AgentLink;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.AgentLink;

/// <summary>
/// A link listening on every address (<c>0.0.0.0</c> in a pod) tells agents the address they reach it at,
/// <c>AgentLink:PublicUrl</c>, rather than the one it is bound to (bound to IPv6's any address, that answer was a 500).
/// </summary>
public sealed class AgentLinkPublicUrlTests
{
    [Fact]
    public async Task The_agent_link_answer_names_the_public_url_while_the_link_listens_on_every_address()
    {
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["AgentLink:Url"] = "http://0.0.0.0:0",
            ["AgentLink:PublicUrl"] = "https://link.region.example:8481",
        });

        var answer = await server.Anonymous.GetFromJsonAsync<JsonElement>("api/v1/agent-link");

        Assert.Equal("https://link.region.example:8481", answer.GetProperty("url").GetString());
        // It listens on every address (IPv6's any, dual-stack): the bound address still reads as a URL, the loopback's.
        Assert.Equal(new Uri($"http://127.0.0.1:{server.Services.GetRequiredService<AgentLinkEndpoint>().Port}"), server.Services.GetRequiredService<AgentLinkEndpoint>().Address);
    }

    [Fact]
    public async Task A_public_url_that_is_not_an_http_url_stops_the_start_naming_the_setting()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["AgentLink:Url"] = "http://127.0.0.1:0",
            ["AgentLink:PublicUrl"] = "link.region.example:8481",
        }));

        Assert.Contains("AgentLink:PublicUrl must be an absolute http:// or https:// URL.", error.ToString(), StringComparison.Ordinal);
    }
}
