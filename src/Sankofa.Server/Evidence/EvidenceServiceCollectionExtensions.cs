using Microsoft.Extensions.Options;
using Sankofa.Core.Evidence;
using Sankofa.Core.Retention;

namespace Sankofa.Server.Evidence;

/// <summary>Registers control evidence: its options, the PDF report and the runs service.</summary>
internal static class EvidenceServiceCollectionExtensions
{
    public static IServiceCollection AddSankofaEvidence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EvidenceOptions>().Bind(configuration.GetSection(EvidenceOptions.Section))
            .Validate(o => o.MaxPlatformAdministrators >= 1, "Evidence:MaxPlatformAdministrators must be 1 or more.")
            .ValidateOnStart();
        services.AddSingleton<IEvidenceReportRenderer, EvidenceReportPdf>();
        services.AddSingleton(sp => new EvidenceRuns(
            sp.GetRequiredService<IEvidenceStore>(), sp.GetRequiredService<Core.Ledger.IAuditAnchorLedger>(),
            sp.GetRequiredService<Core.Identity.Accounts.IAccountStore>(), sp.GetRequiredService<Core.Ledger.IGovernanceLedger>(),
            sp.GetRequiredService<IAuditRetentionStore>(), sp.GetRequiredService<IOptions<RetentionOptions>>().Value,
            sp.GetRequiredService<IOptions<EvidenceOptions>>().Value, sp.GetRequiredService<IEvidenceReportRenderer>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
