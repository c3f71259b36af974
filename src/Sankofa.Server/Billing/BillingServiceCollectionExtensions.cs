using Sankofa.Core.Billing;

namespace Sankofa.Server.Billing;

/// <summary>Registers billing: price books, and the worker that records them on chain.</summary>
internal static class BillingServiceCollectionExtensions
{
    public static IServiceCollection AddSankofaBilling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BillingOptions>().Bind(configuration.GetSection(BillingOptions.Section))
            .Validate(o => o.ChainRetryInterval > TimeSpan.Zero, "Billing:ChainRetryInterval must be positive.")
            .ValidateOnStart();
        services.AddSingleton<PriceBookService>();
        services.AddHostedService<PriceBookChainWorker>();
        return services;
    }
}
