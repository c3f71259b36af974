using Microsoft.Extensions.Configuration;
using Sankofa.Agent.LightClient;
using Sankofa.Proxmox;

namespace Sankofa.Agent.Work;

/// <summary>
/// What the agent needs to run work, from its configuration: the site's own Proxmox VE (<c>Agent:Proxmox</c>, the keys
/// of a cluster in the server's <c>Proxmox:Clusters:{id}</c>), the light client (<c>Agent:Chain</c>), and how much to run
/// at once and how often to report (<c>Agent:MaxConcurrentWork</c>, <c>Agent:ReportInterval</c>).
/// </summary>
/// <param name="Proxmox">The site's cluster.</param>
/// <param name="Chain">The light client's settings.</param>
/// <param name="MaxConcurrentWork">Work items run at once.</param>
/// <param name="ReportInterval">How often the inventory is reported.</param>
public sealed record AgentWorkSettings(ProxmoxClusterOptions Proxmox, LightClientOptions Chain, int MaxConcurrentWork, TimeSpan ReportInterval)
{
    /// <summary>The section of the site's Proxmox VE.</summary>
    public const string ProxmoxSection = "Agent:Proxmox";

    /// <summary>The file in the agent's directory the settings are read from (environment variables <c>SANKOFA_Agent__…</c> override it).</summary>
    public const string FileName = "agent.json";

    /// <summary>Binds and checks the settings; the chain id defaults to the one the registration was signed for.</summary>
    /// <exception cref="InvalidOperationException">A setting is missing or malformed; the message names its key.</exception>
    public static AgentWorkSettings Read(IConfiguration configuration, long registeredChainId)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var proxmox = configuration.GetSection(ProxmoxSection).Get<ProxmoxClusterOptions>() ?? new ProxmoxClusterOptions();
        try
        {
            ProxmoxConfigurationException.Validate(proxmox, ProxmoxSection + ":");
        }
        catch (ProxmoxConfigurationException ex)
        {
            throw new InvalidOperationException(ex.Message, ex);
        }

        var chain = configuration.GetSection(LightClientOptions.SectionName).Get<LightClientOptions>() ?? new LightClientOptions();
        if (configuration[LightClientOptions.SectionName + ":ChainId"] is null)
        {
            chain.ChainId = registeredChainId;
        }
        else if (chain.ChainId != registeredChainId)
        {
            throw new InvalidOperationException($"{LightClientOptions.SectionName}:ChainId is {chain.ChainId}, but the site key was registered for chain {registeredChainId}.");
        }

        if (chain.Problems().FirstOrDefault() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var concurrent = configuration.GetValue<int?>("Agent:MaxConcurrentWork") ?? new WorkRunnerOptions().MaxConcurrentWork;
        var interval = configuration.GetValue<TimeSpan?>("Agent:ReportInterval") ?? TimeSpan.FromSeconds(30);
        return concurrent < 1
            ? throw new InvalidOperationException("Agent:MaxConcurrentWork must be at least 1.")
            : interval <= TimeSpan.Zero
                ? throw new InvalidOperationException("Agent:ReportInterval must be positive.")
                : new AgentWorkSettings(proxmox, chain, concurrent, interval);
    }
}
