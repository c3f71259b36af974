using Microsoft.Extensions.Logging.Abstractions;
using Sankofa.Agent.Keys;
using Sankofa.Agent.LightClient;
using Sankofa.Agent.Tests.LightClient;
using Sankofa.Agent.Work;
using Sankofa.Core.Provisioning;
using Sankofa.Proxmox;
using Sankofa.Proxmox.Emulator;
using Sankofa.Proxmox.Provisioning;

namespace Sankofa.Agent.Tests.Work;

/// <summary>
/// One site as its agent sees it: a cluster of its own on the shared Proxmox emulator (real HTTP), a site key registered
/// on the real chain, and the agent's work runner over both with its light client.
/// </summary>
public sealed class AgentSite : IDisposable
{
    private static readonly Lazy<Task<ProxmoxEmulator>> Emulator = new(() => ProxmoxEmulator.StartAsync(new ProxmoxEmulatorOptions
    {
        TaskDurations = EmulatedTaskDurations.All(TimeSpan.FromMilliseconds(50)),
    }));

    private readonly ChainRpcClient rpc;

    private AgentSite(RegistryChain chain, EmulatedCluster cluster, SiteKey key)
    {
        Chain = chain;
        Cluster = cluster;
        Key = key;
        Proxmox = new ProxmoxSite(cluster.Id, new ProxmoxClusterOptions
        {
            BaseUrl = cluster.BaseUrl, TokenId = cluster.TokenId, TokenSecret = cluster.TokenSecret,
            TaskPollInterval = TimeSpan.FromMilliseconds(25), TaskTimeout = TimeSpan.FromSeconds(20), RequestTimeout = TimeSpan.FromSeconds(10),
        });
        rpc = chain.Rpc();
        var options = chain.Options();
        var light = new ChainLightClient(rpc, RegistryChain.Verifier(rpc, options), Microsoft.Extensions.Options.Options.Create(options));
        Runner = new WorkRunner(new WorkRunnerOptions { Site = cluster.Id, Registry = chain.Registry, ChainId = options.ChainId },
            Proxmox.Provider, Proxmox.Observer, light, SiteKeys.Fixed(key), NullLogger<WorkRunner>.Instance);
    }

    public RegistryChain Chain { get; }

    public EmulatedCluster Cluster { get; }

    public string Id => Cluster.Id;

    public SiteKey Key { get; }

    public ProxmoxSite Proxmox { get; }

    public WorkRunner Runner { get; }

    /// <summary>A new site (one node "pve", template 9000 "debian-12-cloud" of 8 GiB) whose key the chain records.</summary>
    public static async Task<AgentSite> StartAsync(RegistryChain chain)
    {
        var emulator = await Emulator.Value;
        var cluster = emulator.AddCluster(new EmulatedClusterOptions { Id = "edge-work-" + Guid.NewGuid().ToString("N")[..8] });
        var keyDirectory = Path.Combine(Path.GetTempPath(), "sankofa-agent-key-" + Guid.NewGuid().ToString("N"));
        var key = SiteKey.CreateIn(keyDirectory);
        var digest = await chain.Ledger.SiteKeyDigestAsync(cluster.Id, key.Address, CancellationToken.None);
        await chain.Ledger.RegisterSiteKeyAsync(cluster.Id, key.Address, key.Sign(digest), CancellationToken.None);
        Directory.Delete(keyDirectory, recursive: true);
        return new AgentSite(chain, cluster, key);
    }

    /// <summary>Records the resource's request with <paramref name="spec"/> and its placement at <paramref name="site"/> (default this one), as the control plane does.</summary>
    public async Task RequestAndPlaceAsync(string resourceId, ResourceSpec spec, string? site = null)
    {
        await Chain.Ledger.RecordRequestedAsync(resourceId, SpecHash.Of(spec), CancellationToken.None);
        await Chain.Ledger.RecordPlacedAsync(resourceId, site ?? Id, "pve", CancellationToken.None);
    }

    /// <summary>The VMs of the cluster other than the template.</summary>
    public IReadOnlyList<int> Vms => [.. Cluster.VmIds.Where(id => id != 9000)];

    public void Dispose()
    {
        Proxmox.Dispose();
        rpc.Dispose();
    }
}
