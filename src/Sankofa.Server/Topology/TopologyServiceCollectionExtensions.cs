using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;

namespace Sankofa.Server.Topology;

/// <summary>Registers the site catalog and the health probes.</summary>
internal static class TopologyServiceCollectionExtensions
{
    public static IServiceCollection AddSankofaTopology(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(TopologyOptions.Section);
        services.AddOptions<TopologyOptions>().Bind(section)
            .Validate(o => o.ProbeInterval > TimeSpan.Zero, "Topology:ProbeInterval must be positive.")
            .Validate(o => o.ProbeTimeout > TimeSpan.Zero, "Topology:ProbeTimeout must be positive.")
            .Validate(o => o.ProbeParallelism >= 1, "Topology:ProbeParallelism must be 1 or more.")
            .Validate(o => o.FailoverPollInterval > TimeSpan.Zero, "Topology:FailoverPollInterval must be positive.")
            .ValidateOnStart();

        // Loaded (and validated, naming the site and field of any problem) when the host is built, not at first use.
        var path = section[nameof(TopologyOptions.CatalogPath)];
        if (string.IsNullOrWhiteSpace(path))
        {
            services.AddSingleton(SiteCatalog.Default);
        }
        else
        {
            using var file = File.OpenRead(path);
            services.AddSingleton(SiteCatalogLoader.Load(file));
        }

        services.AddSingleton<SiteHealthMonitor>();
        services.AddSingleton<ISiteHealth>(sp => sp.GetRequiredService<SiteHealthMonitor>());
        services.AddHostedService(sp => sp.GetRequiredService<SiteHealthMonitor>());
        services.AddSingleton<SiteFailoverMonitor>();
        services.AddSingleton<ISiteFailovers>(sp => sp.GetRequiredService<SiteFailoverMonitor>());
        services.AddHostedService(sp => sp.GetRequiredService<SiteFailoverMonitor>());
        services.AddSingleton(sp => new SiteQueries(
            sp.GetRequiredService<SiteCatalog>(), sp.GetRequiredService<ISiteHealth>(), sp.GetRequiredService<IVirtualMachineProviderFactory>().ClusterIds,
            sp.GetService<ISiteFailovers>()));
        return services;
    }
}
