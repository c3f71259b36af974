using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Sankofa.Server.Identity.Access;

/// <summary>
/// The API's bearer scheme: a token seen before and still unexpired is taken from memory; any other goes to the scheme
/// that really validates it (the embedded issuer's OpenIddict validation, or JWT bearer against <c>Auth:Authority</c>),
/// and is remembered until it expires. Validating a signed JWT costs a signature check and a pipeline of handlers on
/// every request while a client sends the same token for minutes; what can change meanwhile — whether the identity is
/// still active — is checked per request anyway, against the chain (<see cref="CallerMiddleware"/>).
/// </summary>
internal sealed class CachedBearerHandler(
    IOptionsMonitor<CachedBearerOptions> options, ILoggerFactory logger, UrlEncoder encoder, ValidatedTokens tokens, TimeProvider time)
    : AuthenticationHandler<CachedBearerOptions>(options, logger, encoder)
{
    public const string SchemeName = "Sankofa.Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header[7..].Trim();
        if (tokens.TryGet(token, time.GetUtcNow(), out var known))
        {
            return AuthenticateResult.Success(known);
        }

        var result = await Context.AuthenticateAsync(Options.ValidatingScheme);
        if (result.Succeeded && ExpiresAt(result) is { } expires)
        {
            var ticket = new AuthenticationTicket(result.Principal!, result.Properties, SchemeName);
            tokens.Remember(token, ticket, expires);
            return AuthenticateResult.Success(ticket);
        }

        return result.Succeeded ? AuthenticateResult.Success(new AuthenticationTicket(result.Principal!, result.Properties, SchemeName)) : result;
    }

    /// <summary>When the token stops being valid: the ticket's expiry, else the JWT's <c>exp</c>. Null: not remembered.</summary>
    private static DateTimeOffset? ExpiresAt(AuthenticateResult result) =>
        result.Properties?.ExpiresUtc
        ?? (long.TryParse(result.Principal?.FindFirstValue("exp"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp)
            : null);
}

/// <summary>Options of <see cref="CachedBearerHandler"/>.</summary>
internal sealed class CachedBearerOptions : AuthenticationSchemeOptions
{
    /// <summary>The scheme that validates a token not seen before.</summary>
    public string ValidatingScheme { get; set; } = string.Empty;
}

/// <summary>Tokens validated lately, by their exact text, until they expire (at most 10,000; the least used go first).</summary>
internal sealed class ValidatedTokens : IDisposable
{
    private readonly MemoryCache entries = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public bool TryGet(string token, DateTimeOffset now, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AuthenticationTicket? ticket)
    {
        if (entries.TryGetValue(token, out Entry? entry) && entry!.Expires > now)
        {
            ticket = entry.Ticket;
            return true;
        }

        ticket = null;
        return false;
    }

    public void Remember(string token, AuthenticationTicket ticket, DateTimeOffset expires) =>
        entries.Set(token, new Entry(ticket, expires), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expires });

    public void Dispose() => entries.Dispose();

    private sealed record Entry(AuthenticationTicket Ticket, DateTimeOffset Expires);
}
