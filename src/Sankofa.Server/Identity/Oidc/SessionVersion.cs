using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Sankofa.Core.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Sankofa.Server.Identity.Oidc;

/// <summary>
/// Browser sessions (the issuer's sign-in cookie and the portal's) carry the account's version at sign-in. Every change
/// to the account (password, suspension, roles) bumps it, so the session ends at its next request: the cookie is
/// refused and removed, and the browser signs in again.
/// </summary>
internal static class SessionVersion
{
    /// <summary>The claim holding the version in the session cookie.</summary>
    public const string ClaimType = "sankofa_version";

    public static Claim Claim(Account account) => new(ClaimType, account.Version.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Refuses and removes a session whose account is gone, not active, or changed since it began. A session without a
    /// version passes only when none is <paramref name="required"/> (the portal signed in at an external issuer).
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context, bool required)
    {
        var version = context.Principal?.FindFirstValue(ClaimType);
        if (version is null && !required)
        {
            return;
        }

        var subject = context.Principal?.FindFirstValue(Claims.Subject);
        var account = subject is null || version is null
            ? null
            : await context.HttpContext.RequestServices.GetRequiredService<IAccountDirectory>().GetAsync(subject, context.HttpContext.RequestAborted);
        if (account is not { Status: IdentityStatus.Active } || account.Version.ToString(CultureInfo.InvariantCulture) != version)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name);
        }
    }
}
