using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Sankofa.Server.Hosting;

/// <summary>The answer of every per-address limit: 429 ProblemDetails with Retry-After, in the limit's own words.</summary>
internal static class RateLimitRejection
{
    /// <summary>Writes the 429; <paramref name="detail"/> gets the seconds to wait.</summary>
    public static async ValueTask WriteAsync(OnRejectedContext context, TimeSpan fallbackWait, string title, Func<int, string> detail)
    {
        var http = context.HttpContext;
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : fallbackWait;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails { Status = StatusCodes.Status429TooManyRequests, Title = title, Detail = detail(seconds) };
        problem.Extensions["code"] = "rateLimited";
        await http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }).ConfigureAwait(false);
    }
}
