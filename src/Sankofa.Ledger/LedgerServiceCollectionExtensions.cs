using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sankofa.Core.Identity;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Anchoring;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Hosting;

namespace Sankofa.Ledger;

/// <summary>Registers the ledger: chain connection, signing key, contracts, gateway and the Core ledger ports.</summary>
public static class LedgerServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IAuditAnchorLedger"/>, <see cref="IResourceLedger"/>, <see cref="IIdentityLedger"/>, <see cref="ILedgerStatus"/>, <see cref="IChainRecovery"/>, <see cref="Rpc.ReadOnlyRpc"/>, <see cref="Resources.RegistryProofs"/> and a hosted service
    /// that initialises the chain (embedded anvil or <c>Ledger:RpcUrl</c>, chain id check, key, contracts) when the host
    /// starts. Register it before the web server so the chain is ready before requests arrive. Options come from the
    /// <c>Ledger</c> section; files live under <c>&lt;DataDirectory&gt;/ledger/</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The application's configuration (root, not the Ledger section).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSankofaLedger(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<LedgerOptions>().Bind(configuration.GetSection(LedgerOptions.SectionName));
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(LedgerPaths.FromConfiguration(configuration));
        services.TryAddSingleton<LedgerMetrics>();
        services.TryAddSingleton<LedgerRuntime>();
        services.TryAddSingleton<IChainRecovery>(sp => sp.GetRequiredService<LedgerRuntime>());
        services.TryAddSingleton<IAuditAnchorLedger, AuditAnchorLedger>();
        services.TryAddSingleton<ILedgerStatus, LedgerStatusService>();
        services.TryAddSingleton<IResourceLedger, Resources.ResourceLedger>();
        services.TryAddSingleton<Core.Residency.IResidencyLedger, Residency.ResidencyLedger>();
        services.TryAddSingleton<IGovernanceLedger, Governance.GovernanceLedger>();
        services.TryAddSingleton<IIdentityLedger, Identity.IdentityLedger>();
        services.TryAddSingleton<Core.Billing.IBillingLedger, Billing.BillingLedger>();
        services.TryAddSingleton<Core.Hardware.ICustodyLedger, Custody.CustodyLedger>();
        services.TryAddSingleton(sp => new Rpc.ReadOnlyRpc(sp.GetRequiredService<LedgerRuntime>()));
        services.TryAddSingleton(sp => new Resources.RegistryProofs(sp.GetRequiredService<LedgerRuntime>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<LedgerInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<LedgerInitializer>());
        services.AddHostedService<ChainHeadPoller>();
        return services;
    }
}
