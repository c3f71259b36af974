using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sankofa.Data;

/// <summary>Applies pending migrations at start, before the anchorer or the API touch the database.</summary>
internal sealed partial class StoreMigrator(IStoreContextFactory contexts, IOptions<StoreOptions> options, ILogger<StoreMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStart)
        {
            return;
        }

        await using var db = contexts.Create();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
        if (pending.Count > 0)
        {
            LogMigrating(logger, options.Value.Provider, pending.Count);
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} {Provider} migration(s)")]
    private static partial void LogMigrating(ILogger logger, string provider, int count);
}
