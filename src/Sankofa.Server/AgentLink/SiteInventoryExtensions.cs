using Sankofa.Core.Agents;
using Sankofa.Core.Topology;

namespace Sankofa.Server.AgentLink;

/// <summary>Registers the agents' inventory: drift checks, the latest reports, and the health of sites in agent mode.</summary>
internal static class SiteInventoryExtensions
{
    public static IServiceCollection AddSiteInventory(this IServiceCollection services)
    {
        services.AddSingleton<InventoryDrift>();
        services.AddSingleton<SiteInventory>();
        services.AddSingleton<ISiteReports>(sp => sp.GetRequiredService<SiteInventory>());
        services.AddSingleton<IReportedSiteHealth>(sp => sp.GetRequiredService<SiteInventory>());
        services.AddHostedService(sp => sp.GetRequiredService<SiteInventory>());
        services.AddSingleton<InventoryQueries>();
        return services;
    }
}
