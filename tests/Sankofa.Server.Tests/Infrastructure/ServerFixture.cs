namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>One server (and embedded chain) shared by the tests of a class, started once; SQLite unless a subclass says otherwise.</summary>
public class ServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(settings: await SettingsAsync());

    public virtual async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Settings the server starts with beyond the defaults.</summary>
    protected virtual Task<IDictionary<string, string?>?> SettingsAsync() => Task.FromResult<IDictionary<string, string?>?>(null);
}
