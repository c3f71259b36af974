using Microsoft.Extensions.Options;
using Sankofa.Core.Retention;

namespace Sankofa.Server.Retention;

/// <summary>Registers the compliance services of retention and residency: options, archive directory, services.</summary>
internal static class RetentionServiceCollectionExtensions
{
    public static IServiceCollection AddSankofaRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.Section))
            .Validate(o => o.AuditEntryYears is >= 1 and <= 100, "Retention:AuditEntryYears must be between 1 and 100.")
            .Validate(o => o.MaxEntriesPerArchive >= 1, "Retention:MaxEntriesPerArchive must be 1 or more.")
            .ValidateOnStart();
        services.AddSingleton<IAuditArchiveFiles>(sp =>
        {
            var configured = sp.GetRequiredService<IOptions<RetentionOptions>>().Value.ArchiveDirectory;
            return new AuditArchiveDirectory(string.IsNullOrWhiteSpace(configured)
                ? Path.Combine(Core.DataDirectory.Resolve(configuration[Core.DataDirectory.Key]), "audit-archives")
                : Path.GetFullPath(configured));
        });
        services.AddSingleton(sp => new AuditRetention(
            sp.GetRequiredService<IAuditRetentionStore>(),
            sp.GetRequiredService<IAuditArchiveFiles>(),
            sp.GetRequiredService<IOptions<RetentionOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<Core.Residency.ResidencyReports>();
        return services;
    }
}
