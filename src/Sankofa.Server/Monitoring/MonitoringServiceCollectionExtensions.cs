using System.Runtime.CompilerServices;
using Sankofa.Proxmox.Api;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.Monitoring;

/// <summary>Registers the server's domain metrics (docs/observability.md lists every family).</summary>
internal static class MonitoringServiceCollectionExtensions
{
    /// <summary>Adds the store counts, the chain probe, the scrape-time gauges and the provisioning metrics.</summary>
    public static IServiceCollection AddSankofaMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MonitoringOptions>().Bind(configuration.GetSection(MonitoringOptions.Section));
        services.AddSingleton<ProvisioningMetrics>();
        services.AddSingleton<IProxmoxCallObserver>(sp => sp.GetRequiredService<ProvisioningMetrics>());
        services.AddSingleton<ChainProbe>();
        services.AddHostedService(sp => sp.GetRequiredService<ChainProbe>());
        services.AddHostedService<FleetCountsCollector>();
        services.AddHostedService<ScrapeTimeGauges>();

        // Families kept in static fields are created when their class is first used: create them now, so every family
        // is in the first scrape (with zeros) and rules and dashboards never meet a missing series.
        RuntimeHelpers.RunClassConstructor(typeof(SignInMetrics).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(ResourceChainAheadCheck).TypeHandle);
        return services;
    }
}
