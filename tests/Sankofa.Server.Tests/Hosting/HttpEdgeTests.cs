using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Hosting;

/// <summary>Every request body is bounded (413 ProblemDetails past the bound), and a known proxy's forwarded headers are honoured.</summary>
public sealed class HttpEdgeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("api/v1/audit/entries")]
    [InlineData("graphql")]
    [InlineData("api/v1/credentials/verify")]
    public async Task A_body_over_the_bound_is_refused_with_413_problem_details(string path)
    {
        using var content = new StringContent("{\"payload\":\"" + new string('x', 2 * 1024 * 1024) + "\"}", Encoding.UTF8, "application/json");
        // As curl sends a large body: the headers first. The answer comes before the body is sent, so a refusal cannot
        // race the upload (without it the server's early 413 and close could meet a client still writing: broken pipe).
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.ExpectContinue = true;

        using var response = await fixture.Server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        Assert.Contains("Limits:MaxRequestBodyBytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunked_body_over_the_bound_is_refused_with_413_problem_details()
    {
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"query\":\"" + new string(' ', 2 * 1024 * 1024) + "{ sites { next } }\"}")));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "graphql") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await fixture.Server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_request_from_a_known_proxy_is_seen_with_the_forwarded_scheme_and_address()
    {
        var seen = new SeenRequest();
        await using var server = await TestServer.StartAsync(
            settings: new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" },
            configure: builder => builder.Services.AddSingleton<IStartupFilter>(seen));
        using var response = await SendForwardedAsync(server);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("https", "203.0.113.7"), (seen.Scheme, seen.RemoteAddress));
    }

    [Fact]
    public async Task Forwarded_headers_from_a_client_that_is_not_a_known_proxy_are_ignored()
    {
        var seen = new SeenRequest();
        await using var server = await TestServer.StartAsync(configure: builder => builder.Services.AddSingleton<IStartupFilter>(seen));
        using var response = await SendForwardedAsync(server);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("http", "127.0.0.1"), (seen.Scheme, seen.RemoteAddress));
    }

    [Theory]
    [InlineData("http", HttpStatusCode.BadRequest)]
    [InlineData("https", HttpStatusCode.OK)]
    public async Task The_issuer_answers_plain_http_only_to_this_machine(string forwardedProto, HttpStatusCode expected)
    {
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });
        using var request = new HttpRequestMessage(HttpMethod.Get, ".well-known/openid-configuration");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", forwardedProto);

        using var response = await server.Anonymous.SendAsync(request);
        using var direct = await server.Anonymous.GetAsync(".well-known/openid-configuration");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode); // loopback, plain http: sankofa up and the tests
        if (expected == HttpStatusCode.BadRequest)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("invalid_request", problem.GetProperty("error").GetString());
            Assert.Contains("ForwardedHeaders:KnownProxies", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    /// <summary>A request claiming to come, over https, from 203.0.113.7 through a proxy.</summary>
    private static async Task<HttpResponseMessage> SendForwardedAsync(TestServer server)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "healthz");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "https");
        return await server.Anonymous.SendAsync(request);
    }

    /// <summary>Records the scheme and client address the application saw once the whole pipeline has run.</summary>
    private sealed class SeenRequest : IStartupFilter
    {
        public string? Scheme { get; private set; }

        public string? RemoteAddress { get; private set; }

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // Read as the answer starts, once the server's own middleware has run (and before the client can see it).
            app.Use((HttpContext http, RequestDelegate rest) =>
            {
                http.Response.OnStarting(() =>
                {
                    Scheme = http.Request.Scheme;
                    RemoteAddress = http.Connection.RemoteIpAddress?.ToString();
                    return Task.CompletedTask;
                });
                return rest(http);
            });
            next(app);
        };
    }
}
