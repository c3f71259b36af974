namespace Sankofa.Core.Topology;

/// <summary>The three tiers of the cloud, from hubs to the network edge.</summary>
public enum SiteTier
{
    /// <summary>Core datacenter (hub): validators, global coordination.</summary>
    Core,

    /// <summary>Regional datacenter (spoke): read replicas, regional service delivery; syncs with one core site.</summary>
    Regional,

    /// <summary>Edge site: Proxmox clusters close to users; hangs off one regional site.</summary>
    Edge,
}
