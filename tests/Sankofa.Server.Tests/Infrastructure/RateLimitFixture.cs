namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>
/// A server with tight per-client-address limits, shared by the tests of each: five password checks per ten minutes,
/// and two chain calls per second with bursts of five.
/// </summary>
public sealed class RateLimitFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(settings: new Dictionary<string, string?>
    {
        ["Identity:Accounts:AddressAttemptLimit"] = "5",
        ["Identity:Accounts:AddressAttemptWindow"] = "00:10:00",
        ["ChainRpc:PermitsPerSecond"] = "2",
        ["ChainRpc:Burst"] = "5",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
