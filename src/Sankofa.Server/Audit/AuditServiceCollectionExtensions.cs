using Microsoft.Extensions.Options;
using Sankofa.Core.Audit;

namespace Sankofa.Server.Audit;

/// <summary>Registers the audit log and its anchoring worker.</summary>
internal static class AuditServiceCollectionExtensions
{
    public static IServiceCollection AddSankofaAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.Section))
            .Validate(o => o.BatchSize is >= 1 and <= 65_536, "Audit:BatchSize must be between 1 and 65536.")
            .Validate(o => o.BatchesPerAnchor is >= 1 and <= 1024, "Audit:BatchesPerAnchor must be between 1 and 1024.")
            .Validate(o => o.BatchesPerSeal is >= 1 and <= 64, "Audit:BatchesPerSeal must be between 1 and 64.")
            .Validate(o => o.ReconcileWindow >= 1, "Audit:ReconcileWindow must be 1 or more.")
            .Validate(o => o.MinRetryDelay > TimeSpan.Zero && o.MaxRetryDelay >= o.MinRetryDelay, "Audit:MinRetryDelay must be positive and no more than Audit:MaxRetryDelay.")
            .ValidateOnStart();
        services.AddSingleton<IAuditLog, AuditLog>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton(sp => new AuditAnchorer(
            sp.GetRequiredService<IAuditStore>(),
            sp.GetRequiredService<Core.Ledger.IAuditAnchorLedger>(),
            sp.GetRequiredService<IOptions<AuditOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AuditMetrics>();
        services.AddSingleton<AuditChainCheck>();
        services.AddHostedService<AuditAnchorWorker>();
        return services;
    }
}
