namespace Sankofa.Ledger.Tests;

/// <summary>One embedded ledger shared by the tests of a class (starting anvil and deploying takes about a second).</summary>
public sealed class LedgerFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();

    internal LedgerHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await LedgerHost.CreateAsync(_dir.Path, new Dictionary<string, string?> { ["Ledger:MaxBatchesPerTransaction"] = "50" });

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        _dir.Dispose();
    }
}
