using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
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

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = "Too many chain calls from this address.",
            Detail = $"Past ChainRpc:PermitsPerSecond; try again in {seconds} s.",
        };
        problem.Extensions["code"] = "rateLimited";
        await http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }).ConfigureAwait(false);
    }
}
