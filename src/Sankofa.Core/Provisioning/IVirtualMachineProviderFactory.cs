namespace Sankofa.Core.Provisioning;

/// <summary>Hands out the <see cref="IVirtualMachineProvider"/> of each configured cluster (site).</summary>
public interface IVirtualMachineProviderFactory
{
    /// <summary>The ids of the clusters that have a provider.</summary>
    IReadOnlyCollection<string> ClusterIds { get; }

    /// <summary>The provider of <paramref name="clusterId"/>.</summary>
    /// <exception cref="KeyNotFoundException">No cluster with that id is configured.</exception>
    IVirtualMachineProvider Get(string clusterId);
}
