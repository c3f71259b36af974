using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sankofa.Core.Ledger;
using Sankofa.Core.Placement;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;
using Sankofa.Proxmox;

namespace Sankofa.Server.Provisioning;

/// <summary>Registers tenancy, provisioning, the site attestor and the reconciler.</summary>
internal static class ProvisioningServiceCollectionExtensions
{
    public static IServiceCollection AddSankofaProvisioning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProvisioningOptions>().Bind(configuration.GetSection(ProvisioningOptions.Section))
            .Validate(o => o.Concurrency >= 1, "Provisioning:Concurrency must be 1 or more.")
            .Validate(o => o.MaxAttempts >= 1, "Provisioning:MaxAttempts must be 1 or more.")
            .Validate(o => o.ClaimDuration >= TimeSpan.FromSeconds(10), "Provisioning:ClaimDuration must be at least 10 seconds.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.InstanceId) && o.InstanceId.Length <= 200, "Provisioning:InstanceId must be 1–200 characters.")
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.MeteringInterval > TimeSpan.Zero && o.CapacityRefreshInterval > TimeSpan.Zero,
                "Provisioning:PollInterval, Provisioning:MeteringInterval and Provisioning:CapacityRefreshInterval must be positive.")
            .Validate(o => o.MinRetryDelay > TimeSpan.Zero && o.MaxRetryDelay >= o.MinRetryDelay, "Provisioning:MinRetryDelay must be positive and no more than Provisioning:MaxRetryDelay.")
            .Validate(o => o.ChainCheckInterval > TimeSpan.Zero && o.ChainCheckWindow >= 1,
                "Provisioning:ChainCheckInterval must be positive and Provisioning:ChainCheckWindow 1 or more.")
            .Validate(o => o.MaxVCpu >= 1 && o.MaxRamMiB >= 1 && o.MaxDiskGiB >= 1, "Provisioning:MaxVCpu, MaxRamMiB and MaxDiskGiB must be positive.")
            .Validate(o => o.MaxSshKeys >= 1 && o.MaxSshKeyLength >= 100, "Provisioning:MaxSshKeys must be positive and Provisioning:MaxSshKeyLength at least 100.")
            .Validate(o => o.Templates.Values.All(t => t.VmId >= 100), "Provisioning:Templates:{name}:VmId must be 100 or more.")
            .ValidateOnStart();
        services.AddSankofaProxmox(configuration);
        services.TryAddSingleton(SiteCatalog.Default);
        services.TryAddSingleton(sp => new PlacementEngine(sp.GetRequiredService<SiteCatalog>()));
        services.AddSingleton(sp => new FleetCapacity(
            sp.GetRequiredService<IResourceStore>(),
            sp.GetRequiredService<SiteCatalog>(),
            sp.GetRequiredService<IOptions<ProvisioningOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IVirtualMachineProviderFactory>().ClusterIds,
            sp.GetService<ISiteHealth>(),
            sp.GetService<ISiteFailovers>()));
        services.AddSingleton(sp => new ProvisioningService(
            sp.GetRequiredService<IResourceStore>(),
            sp.GetRequiredService<ITenantStore>(),
            sp.GetRequiredService<IProjectStore>(),
            sp.GetRequiredService<PlacementEngine>(),
            sp.GetRequiredService<FleetCapacity>(),
            sp.GetRequiredService<IOptions<ProvisioningOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IHostVerification>()));
        services.AddSingleton(sp => new TenancyService(sp.GetRequiredService<ITenantStore>(), sp.GetRequiredService<IProjectStore>()));
        services.AddSingleton<TenancyQueries>();
        services.AddSingleton<ResourceQueries>();
        services.AddSingleton<SiteAttestor>();
        services.AddSingleton<ISiteAttestor>(sp => sp.GetRequiredService<SiteAttestor>());
        services.AddSingleton(sp => new ResourceReconciler(
            sp.GetRequiredService<IResourceStore>(),
            sp.GetRequiredService<IResourceLedger>(),
            sp.GetRequiredService<IVirtualMachineProviderFactory>(),
            sp.GetRequiredService<ISiteAttestor>(),
            sp.GetRequiredService<FleetCapacity>(),
            sp.GetRequiredService<IOptions<ProvisioningOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<Core.Provisioning.ISiteWorkQueue>(),
            sp.GetService<IResourceChainGapStore>()));
        services.AddSingleton(sp => new ResourceChainAhead(
            sp.GetRequiredService<IResourceStore>(),
            sp.GetRequiredService<IResourceLedger>(),
            sp.GetRequiredService<IResourceChainGapStore>(),
            sp.GetRequiredService<IVirtualMachineProviderFactory>(),
            sp.GetRequiredService<SiteCatalog>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<Core.Provisioning.ISiteWorkQueue>()));
        services.AddSingleton<ResourceChainAheadCheck>();
        services.AddSingleton(sp => new ResourceChainGapQueries(sp.GetRequiredService<IResourceChainGapStore>()));
        services.AddSingleton(sp => new UsageMetering(sp.GetRequiredService<IUsageStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddOptions<ReadCacheOptions>().Bind(configuration.GetSection(ReadCacheOptions.Section))
            .Validate(o => o.MaxAge >= TimeSpan.Zero, "ReadCache:MaxAge must not be negative.")
            .Validate(o => o.SizeLimitBytes >= 1, "ReadCache:SizeLimitBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ResourceReadCache>();
        services.AddSingleton<ResourcePageWriter>();
        services.AddSingleton<ReconcilerSignal>();
        services.AddHostedService<ReconcilerWorker>();
        services.AddHostedService<UsageMeteringWorker>();
        services.AddHostedService<ResourceChainCheckWorker>();
        return services;
    }
}
