using System.Threading.RateLimiting;
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

    private static ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        Monitoring.SignInMetrics.Refused();
        return RateLimitRejection.WriteAsync(context,
            context.HttpContext.RequestServices.GetRequiredService<IOptions<AccountOptions>>().Value.AddressAttemptWindow,
            "Too many password attempts from this address.", seconds => $"Try again in {seconds} s.");
    }
}
