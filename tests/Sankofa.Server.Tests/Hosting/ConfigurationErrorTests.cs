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
    [InlineData("Oidc:Issuer", "http://sankofa.example/")]
    [InlineData("Auth:Authority", "http://keycloak.example/realms/sankofa")]
    [InlineData("Limits:MaxRequestBodyBytes", "0")]
    [InlineData("GraphQL:MaxComplexity", "0")]
    [InlineData("PersonalData:MasterKey", "c2hvcnQ=")]
    [InlineData("Tracing:SamplingRatio", "1.5")]
    [InlineData("Tracing:Protocol", "udp")]
    [InlineData("Tracing:OtlpEndpoint", "otel-collector")]
    public async Task A_bad_setting_fails_start_up_naming_it(string key, string value)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            TestServer.StartAsync(directory.FullName, new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies", "proxy.example")]
    [InlineData("ForwardedHeaders:KnownNetworks", "10.0.0.0/33")]
    public async Task A_bad_proxy_address_fails_start_up_naming_the_list(string key, string value)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            TestServer.StartAsync(directory.FullName, new Dictionary<string, string?> { [key + ":0"] = value }));

        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_issuer_on_loopback_may_use_plain_http()
    {
        await using var server = await TestServer.StartAsync(directory.FullName, new Dictionary<string, string?> { ["Oidc:Issuer"] = "http://127.0.0.1:8480/" });

        Assert.Equal(System.Net.HttpStatusCode.OK, (await server.Anonymous.GetAsync("healthz")).StatusCode);
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_fails_start_up_naming_the_setting()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            TestServer.StartAsync(directory.FullName, new Dictionary<string, string?> { ["Store:Provider"] = "postgres" }));

        Assert.Contains("Store:ConnectionString", error.Message, StringComparison.Ordinal);
    }
}
