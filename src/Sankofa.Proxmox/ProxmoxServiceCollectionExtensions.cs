using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sankofa.Core.Provisioning;
using Sankofa.Proxmox.Provisioning;

namespace Sankofa.Proxmox;

/// <summary>Registers the Proxmox VE implementation of Core's provisioning port.</summary>
public static class ProxmoxServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IVirtualMachineProviderFactory"/> backed by the clusters of the <c>Proxmox</c> section
    /// (<c>Proxmox:Clusters:{id}:BaseUrl</c>, <c>TokenId</c>, <c>TokenSecret</c> or <c>Username</c>, <c>Password</c>, …).
    /// Clusters known only at run time (the emulated fleet of <c>sankofa up</c>) are added with
    /// <c>services.Configure&lt;ProxmoxOptions&gt;(o =&gt; o.Clusters[id] = …)</c>. Settings are validated when the factory
    /// is first resolved; a bad one throws <see cref="ProxmoxConfigurationException"/> naming its key.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The application's configuration (root, not the Proxmox section).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSankofaProxmox(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ProxmoxOptions>().Bind(configuration.GetSection(ProxmoxOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IVirtualMachineProviderFactory, ProxmoxVirtualMachineProviderFactory>();
        return services;
    }
}
