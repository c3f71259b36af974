using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Sankofa.Agent.LightClient;

/// <summary>Registers the agent's light client.</summary>
public static class LightClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ChainLightClient"/>, <see cref="HeaderVerifier"/> and <see cref="ChainRpcClient"/>, with
    /// <see cref="LightClientOptions"/> bound from <c>Agent:Chain</c> and validated when the host starts (a bad setting
    /// fails start-up naming its key).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The application's configuration (root, not the section).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSankofaLightClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<LightClientOptions>().Bind(configuration.GetSection(LightClientOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LightClientOptions>, LightClientOptionsValidator>());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LightClientOptions>>().Value;
            return new ChainRpcClient(options.RpcUrl!, options.RpcTimeout);
        });
        services.TryAddSingleton<HeaderVerifier>();
        services.TryAddSingleton<ChainLightClient>();
        return services;
    }

    private sealed class LightClientOptionsValidator : IValidateOptions<LightClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, LightClientOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
