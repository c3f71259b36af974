using Sankofa.Agent.LightClient;

namespace Sankofa.Agent.Tests.LightClient;

/// <summary>An endpoint that cannot be read is reported as such, naming it, and not mistaken for a proof that failed.</summary>
public sealed class ChainRpcClientTests
{
    [Fact]
    public async Task An_unreachable_endpoint_is_reported_naming_it()
    {
        var endpoint = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        using var rpc = new ChainRpcClient(endpoint, TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<ChainRpcException>(() => rpc.GetChainIdAsync(CancellationToken.None));

        Assert.Contains(endpoint.ToString(), error.Message, StringComparison.Ordinal);
    }
}
