using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sankofa.Core.Audit;
using Sankofa.TestSupport;

namespace Sankofa.Data.Tests;

/// <summary>A migrated, empty store of one provider, built through the same DI registration the server uses.</summary>
public sealed class TestStore : IAsyncDisposable
{
    private readonly ServiceProvider services;
    private readonly string? sqliteDirectory;
    private readonly string? postgresDatabase;

    private TestStore(ServiceProvider services, string? sqliteDirectory, string? postgresDatabase)
    {
        this.services = services;
        this.sqliteDirectory = sqliteDirectory;
        this.postgresDatabase = postgresDatabase;
    }

    public static TheoryData<string> Providers => new("sqlite", "postgres");

    /// <summary>The personal-data master key of every test store (a fixed one: tests compute the blind index with it).</summary>
    public static Core.PersonalData.PersonalDataMasterKey MasterKey { get; } = new([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);

    public IAuditStore Audit => services.GetRequiredService<IAuditStore>();

    public Core.Retention.IAuditRetentionStore Retention => services.GetRequiredService<Core.Retention.IAuditRetentionStore>();

    internal Data.Provisioning.ProvisioningStore Provisioning => services.GetRequiredService<Data.Provisioning.ProvisioningStore>();

    public Core.Identity.Accounts.IAccountStore Accounts => services.GetRequiredService<Core.Identity.Accounts.IAccountStore>();

    public Core.Billing.IAvailabilityStore Availability => services.GetRequiredService<Core.Billing.IAvailabilityStore>();

    public Core.Billing.IInvoiceStore Invoices => services.GetRequiredService<Core.Billing.IInvoiceStore>();

    public Core.Agents.IAgentStore Agents => services.GetRequiredService<Core.Agents.IAgentStore>();

    public Core.Hardware.IAssetStore Assets => services.GetRequiredService<Core.Hardware.IAssetStore>();

    public Core.Provisioning.ISiteWorkStore SiteWork => services.GetRequiredService<Core.Provisioning.ISiteWorkStore>();

    public Core.PersonalData.IPersonalDataStore PersonalData => services.GetRequiredService<Core.PersonalData.IPersonalDataStore>();

    public Core.Evidence.IEvidenceStore Evidence => services.GetRequiredService<Core.Evidence.IEvidenceStore>();

    public Core.Monitoring.IFleetCounts FleetCounts => services.GetRequiredService<Core.Monitoring.IFleetCounts>();

    internal SankofaDbContext CreateContext() => services.GetRequiredService<IStoreContextFactory>().Create();

    /// <param name="provider">sqlite or postgres.</param>
    /// <param name="start">False: the store's hosted services (migrations first) do not run, for a test that migrates step by step.</param>
    public static async Task<TestStore> CreateAsync(string provider, bool start = true)
    {
        string? directory = null;
        string? database = null;
        var settings = new Dictionary<string, string?> { ["Store:Provider"] = provider };
        if (provider == "sqlite")
        {
            directory = Directory.CreateTempSubdirectory("sankofa-store-").FullName;
            settings["DataDirectory"] = directory;
        }
        else
        {
            settings["Store:ConnectionString"] = database = await TestPostgres.CreateDatabaseAsync();
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        // The server registers these with personal data: the account store keeps names only indexed and sealed.
        var services = new ServiceCollection().AddLogging().AddSankofaStore(configuration)
            .AddSingleton(MasterKey).AddSingleton<Core.Identity.Accounts.IAccountNameProtector, Core.PersonalData.AccountNameProtector>()
            .BuildServiceProvider();
        foreach (var hosted in start ? services.GetServices<IHostedService>() : [])
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return new TestStore(services, directory, database);
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        if (sqliteDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(sqliteDirectory, recursive: true);
        }

        if (postgresDatabase is not null)
        {
            await TestPostgres.DropDatabaseAsync(postgresDatabase);
        }
    }
}
