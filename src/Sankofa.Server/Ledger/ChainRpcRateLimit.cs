using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Ledger;

/// <summary>
/// The per-client-address limit on <c>POST /chain/rpc</c>: anyone may call it, and each call costs the chain node work
/// (a wide <c>eth_getLogs</c> most of all), so one address gets <see cref="ChainRpcOptions.PermitsPerSecond"/> requests a
/// second with bursts up to <see cref="ChainRpcOptions.Burst"/>, and past that a 429 ProblemDetails with Retry-After.
/// </summary>
internal sealed class ChainRpcRateLimit(IOptions<ChainRpcOptions> options) : IRateLimiterPolicy<string>
{
    /// <summary>The rate-limiting policy the endpoint requires.</summary>
    public const string Policy = "chain-rpc";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var limits = options.Value;
        return RateLimitPartition.GetTokenBucketLimiter(ClientAddress.Of(httpContext), _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.Burst,
            TokensPerPeriod = limits.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
        });
    }

    private static ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken) =>
        RateLimitRejection.WriteAsync(context, TimeSpan.FromSeconds(1), "Too many chain calls from this address.",
            seconds => $"Past ChainRpc:PermitsPerSecond; try again in {seconds} s.");
}
