namespace Sankofa.Server.Hosting;

/// <summary>Tells the operator, once logging runs, which paths of the data directory were open to others and are no longer.</summary>
internal sealed partial class DataDirectoryReport(IReadOnlyList<string> tightened, ILogger<DataDirectoryReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (tightened.Count > 0)
        {
            Log.Tightened(logger, tightened.Count, string.Join(", ", tightened.Take(20)));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
