using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sankofa.Data.Oidc;

namespace Sankofa.Data;

/// <summary>Applies pending migrations at start, before the anchorer or the API touch the database.</summary>
internal sealed partial class StoreMigrator(
    IStoreContextFactory contexts, IServiceScopeFactory scopes, Provisioning.ProvisioningStore resources, IOptions<StoreOptions> options, ILogger<StoreMigrator> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStart)
        {
            return;
        }

        await using (var db = contexts.Create())
        {
            await MigrateAsync(db, cancellationToken).ConfigureAwait(false);
        }

        await using var scope = scopes.CreateAsyncScope();
        await MigrateAsync(scope.ServiceProvider.GetRequiredService<OidcDbContext>(), cancellationToken).ConfigureAwait(false);

        // Rows from before the kept list items (or changed by a server that did not keep them) get theirs now, so lists
        // read them instead of every column; a list is correct meanwhile, only slower.
        if (await resources.WriteMissingListJsonAsync(500, cancellationToken).ConfigureAwait(false) is > 0 and var written)
        {
            LogListItems(logger, written);
        }
    }

    private async Task MigrateAsync(DbContext db, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
        if (pending.Count > 0)
        {
            LogMigrating(logger, options.Value.Provider, pending.Count, db.GetType().Name);
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} {Provider} migration(s) of {Context}")]
    private static partial void LogMigrating(ILogger logger, string provider, int count, string context);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote the list items of {Count} resource(s) kept without one")]
    private static partial void LogListItems(ILogger logger, int count);
}
