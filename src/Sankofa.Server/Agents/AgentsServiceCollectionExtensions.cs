using Sankofa.Core.Agents;

namespace Sankofa.Server.Agents;

/// <summary>Registers the site agent registry.</summary>
internal static class AgentsServiceCollectionExtensions
{
    public static IServiceCollection AddSankofaAgents(this IServiceCollection services)
    {
        services.AddSingleton<ISiteKeyProofs, SiteKeyProofs>();
        services.AddSingleton<AgentRegistry>();
        services.AddSingleton<AgentQueries>();
        return services;
    }
}
