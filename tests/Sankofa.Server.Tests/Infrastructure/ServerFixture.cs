namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>One server (and embedded chain) shared by the tests of a class, started once.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
