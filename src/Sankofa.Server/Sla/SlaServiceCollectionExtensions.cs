using Microsoft.Extensions.Options;
using Sankofa.Core.Agents;
using Sankofa.Core.Billing;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;

namespace Sankofa.Server.Sla;

/// <summary>Registers availability measuring (the probe and its worker) and SLA reports.</summary>
internal static class SlaServiceCollectionExtensions
{
    public static IServiceCollection AddSankofaSla(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SlaOptions>().Bind(configuration.GetSection(SlaOptions.Section))
            .Validate(o => o.ProbeInterval > TimeSpan.Zero && o.ProbeTimeout > TimeSpan.Zero, "Sla:ProbeInterval and Sla:ProbeTimeout must be positive.")
            .Validate(o => o.ProbeParallelism >= 1, "Sla:ProbeParallelism must be 1 or more.")
            .ValidateOnStart();
        // Agent mode is optional: without the agent link every site is probed directly.
        services.AddSingleton(sp => new AvailabilityProbe(
            sp.GetRequiredService<IAvailabilityStore>(),
            sp.GetRequiredService<IVirtualMachineProviderFactory>(),
            sp.GetRequiredService<IOptions<SlaOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IReportedSiteHealth>(),
            sp.GetService<ISiteReports>()));
        services.AddSingleton(sp => new SlaReports(
            sp.GetRequiredService<IAvailabilityStore>(), sp.GetRequiredService<Core.Tenancy.ITenantStore>(), sp.GetRequiredService<SiteCatalog>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<AvailabilityWorker>();
        return services;
    }
}
