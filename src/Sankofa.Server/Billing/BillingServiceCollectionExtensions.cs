using Microsoft.Extensions.Options;
using Sankofa.Core.Billing;

namespace Sankofa.Server.Billing;

/// <summary>Registers billing: price books, billing runs and invoices, and the worker that carries them to the chain.</summary>
internal static class BillingServiceCollectionExtensions
{
    public static IServiceCollection AddSankofaBilling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BillingOptions>().Bind(configuration.GetSection(BillingOptions.Section))
            .Validate(o => o.ChainRetryInterval > TimeSpan.Zero, "Billing:ChainRetryInterval must be positive.")
            .Validate(o => o.CloseDelay >= TimeSpan.Zero, "Billing:CloseDelay must not be negative.")
            .Validate(o => o.StateRefreshInterval >= TimeSpan.Zero, "Billing:StateRefreshInterval must not be negative.")
            .Validate(o => o.TaxBasisPoints is >= 0 and <= 10_000, "Billing:TaxBasisPoints must be between 0 and 10000 (100 %).")
            .ValidateOnStart();
        services.AddSingleton<PriceBookService>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<BillingOptions>>().Value;
            return new BillingRunSettings(o.CloseDelay, o.TaxBasisPoints, o.MonthlyRuns, o.StateRefreshInterval);
        });
        services.AddSingleton<BillingRunService>();
        services.AddSingleton<InvoiceService>();
        services.AddHostedService<BillingWorker>();
        return services;
    }
}
