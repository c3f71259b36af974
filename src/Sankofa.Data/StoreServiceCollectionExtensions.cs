using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sankofa.Core.Replicas;
using Sankofa.Core.Audit;
using Sankofa.Data.Agents;
using Sankofa.Data.Audit;
using Sankofa.Data.Identity;
using Sankofa.Data.Oidc;
using Sankofa.Data.Provisioning;
using Sankofa.Data.Replicas;

namespace Sankofa.Data;

/// <summary>Registers the store.</summary>
public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the database of the configured provider, the audit, provisioning, account and agent stores and a hosted service that applies
    /// migrations before anything else starts. Throws <see cref="OptionsValidationException"/> naming the setting
    /// when the configuration is wrong.
    /// </summary>
    public static IServiceCollection AddSankofaStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(StoreOptions.Section).Get<StoreOptions>() ?? new StoreOptions();
        services.AddSingleton(Options.Create(options));
        var replicas = configuration.GetSection(Core.Replicas.ReplicaOptions.Section).Get<Core.Replicas.ReplicaOptions>() ?? new Core.Replicas.ReplicaOptions();
        if (replicas.TakeoverInterval <= TimeSpan.Zero || replicas.Keepalive < TimeSpan.FromSeconds(1))
        {
            throw new OptionsValidationException(Core.Replicas.ReplicaOptions.Section, typeof(Core.Replicas.ReplicaOptions),
                ["Replicas:TakeoverInterval must be positive and Replicas:Keepalive at least one second."]);
        }

        services.AddSingleton(Options.Create(replicas));
        switch (options.Provider.ToUpperInvariant())
        {
            case "SQLITE":
                var connection = string.IsNullOrWhiteSpace(options.ConnectionString)
                    ? $"Data Source={Path.Combine(CreateDataDirectory(configuration), "sankofa.db")};Pooling=True"
                    : options.ConnectionString;
                services.AddPooledDbContextFactory<SqliteSankofaDbContext>(o => o.UseSqlite(connection).AddInterceptors(new SqlitePragmas()));
                services.AddSingleton<IStoreContextFactory>(sp =>
                    new StoreContextFactory<SqliteSankofaDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteSankofaDbContext>>(), serializeWrites: true));
                services.AddDbContext<SqliteOidcDbContext>(o => o.UseSqlite(connection, s => s.MigrationsHistoryTable(OidcDbContext.HistoryTable)).AddInterceptors(new SqlitePragmas()).UseOpenIddict());
                services.AddScoped<OidcDbContext>(sp => sp.GetRequiredService<SqliteOidcDbContext>());
                // One server by construction: the file is this process's alone.
                services.AddSingleton<Core.Replicas.IReplicaLocks, Core.Replicas.ProcessLocks>();
                // One process owns an SQLite database: its signals never leave it.
                services.AddSingleton<IReplicaSignals, InProcessReplicaSignals>();
                break;
            case "POSTGRES" or "POSTGRESQL":
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new OptionsValidationException("Store:ConnectionString", typeof(StoreOptions),
                        ["Store:ConnectionString is required when Store:Provider is postgres."]);
                }

                services.AddPooledDbContextFactory<PostgresSankofaDbContext>(o => o.UseNpgsql(options.ConnectionString));
                services.AddSingleton<IStoreContextFactory>(sp =>
                    new StoreContextFactory<PostgresSankofaDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresSankofaDbContext>>(), serializeWrites: false));
                services.AddDbContext<PostgresOidcDbContext>(o => o.UseNpgsql(options.ConnectionString, s => s.MigrationsHistoryTable(OidcDbContext.HistoryTable)).UseOpenIddict());
                services.AddScoped<OidcDbContext>(sp => sp.GetRequiredService<PostgresOidcDbContext>());
                services.AddSingleton<Core.Replicas.IReplicaLocks>(new Replicas.PostgresReplicaLocks(options.ConnectionString, replicas));
                AddPostgresSignals(services, configuration, options.ConnectionString);
                break;
            default:
                throw new OptionsValidationException("Store:Provider", typeof(StoreOptions),
                    [$"Store:Provider must be 'sqlite' or 'postgres', not '{options.Provider}'."]);
        }

        services.AddSingleton<IAuditStore, AuditStore>();
        services.TryAddSingleton(TimeProvider.System);
        // One store instance behind the four aggregates' interfaces: they share its change version and group commit.
        services.AddSingleton<ProvisioningStore>();
        services.AddSingleton<Core.Tenancy.ITenantStore>(sp => sp.GetRequiredService<ProvisioningStore>());
        services.AddSingleton<Core.Tenancy.IProjectStore>(sp => sp.GetRequiredService<ProvisioningStore>());
        services.AddSingleton<Core.Provisioning.IResourceStore>(sp => sp.GetRequiredService<ProvisioningStore>());
        services.AddSingleton<Core.Provisioning.IUsageStore>(sp => sp.GetRequiredService<ProvisioningStore>());
        services.AddSingleton<Core.Provisioning.IResourceChainGapStore, ResourceChainGapStore>();
        services.AddSingleton<Core.Identity.Accounts.IAccountStore, AccountStore>();
        services.AddSingleton<Core.Monitoring.IFleetCounts, Monitoring.FleetCountsStore>();
        services.AddSingleton<Core.Agents.IAgentStore, AgentStore>();
        services.AddSingleton<Core.Billing.IPriceBookStore, Billing.PriceBookStore>();
        services.AddSingleton<Core.Hardware.IAssetStore, Hardware.AssetStore>();
        services.AddSingleton<Core.Billing.IInvoiceStore, Billing.InvoiceStore>();
        services.AddSingleton<Core.Billing.IAvailabilityStore, Billing.AvailabilityStore>();
        services.AddSingleton<Core.Provisioning.ISiteWorkStore, SiteWorkStore>();
        services.AddSingleton<Core.Retention.IAuditRetentionStore, Retention.AuditRetentionStore>();
        services.AddSingleton<Core.PersonalData.IPersonalDataStore, PersonalData.PersonalDataStore>();
        services.AddSingleton<Core.Evidence.IEvidenceStore, Evidence.EvidenceStore>();
        services.AddSingleton<IStoreHealth, StoreHealth>();
        services.AddHostedService<StoreMigrator>();
        return services;
    }

    private static void AddPostgresSignals(IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        var signals = configuration.GetSection(ReplicaSignalOptions.Section).Get<ReplicaSignalOptions>() ?? new ReplicaSignalOptions();
        if (string.IsNullOrWhiteSpace(signals.Channel) || signals.Channel.Length > 63)
        {
            throw new OptionsValidationException("ReplicaSignals:Channel", typeof(ReplicaSignalOptions), ["ReplicaSignals:Channel must be 1–63 characters."]);
        }

        if (signals.IdleCheck <= TimeSpan.Zero || signals.ReconnectDelay <= TimeSpan.Zero || signals.MaxReconnectDelay < signals.ReconnectDelay)
        {
            throw new OptionsValidationException("ReplicaSignals", typeof(ReplicaSignalOptions),
                ["ReplicaSignals:IdleCheck and ReplicaSignals:ReconnectDelay must be positive, and ReplicaSignals:MaxReconnectDelay no less than ReplicaSignals:ReconnectDelay."]);
        }

        services.AddSingleton(sp => new PostgresReplicaSignals(
            connectionString, signals, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PostgresReplicaSignals>>()));
        services.AddSingleton<IReplicaSignals>(sp => sp.GetRequiredService<PostgresReplicaSignals>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresReplicaSignals>());
    }

    private static string CreateDataDirectory(IConfiguration configuration)
    {
        var path = Core.DataDirectory.Resolve(configuration[Core.DataDirectory.Key]);
        Directory.CreateDirectory(path);
        return path;
    }
}
