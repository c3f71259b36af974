using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Identity.Accounts;

/// <summary>
/// The per-client-address limit on the anonymous password checks (sign-in and password change at the issuer and the
/// API): each costs a slow hash whatever the name, so past <see cref="AccountOptions.AddressAttemptLimit"/> an address
/// gets a 429 ProblemDetails with Retry-After and nothing is hashed.
/// </summary>
internal static class PasswordRateLimit
{
    /// <summary>The rate-limiting policy the password endpoints require.</summary>
    public const string Policy = "password-checks";

    public static IServiceCollection AddPasswordRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Policy, http =>
            {
                var options = http.RequestServices.GetRequiredService<IOptions<AccountOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Of(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.AddressAttemptLimit, Window = options.AddressAttemptWindow, QueueLimit = 0,
                });
            });
            o.OnRejected = RejectAsync;
        });

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? retryAfter
            : http.RequestServices.GetRequiredService<IOptions<AccountOptions>>().Value.AddressAttemptWindow;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = "Too many password attempts from this address.",
            Detail = $"Try again in {seconds} s.",
        };
        problem.Extensions["code"] = "rateLimited";
        await http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }).ConfigureAwait(false);
    }
}
