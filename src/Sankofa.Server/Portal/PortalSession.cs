using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Ledger;
using Sankofa.Server.Identity.Access;

namespace Sankofa.Server.Portal;

/// <summary>
/// Who is using the portal in this circuit, as the API would see them: the signed-in identity and its role grants,
/// let through only while the chain lists it as active (asked through the same status cache as every API call), and
/// the tenant chosen in the switcher. Signed in at the embedded issuer, the status and roles are read from the store at
/// each ask, so a suspension or a role taken reaches an open circuit at the next click; an external issuer's roles come
/// from its ID token.
/// </summary>
internal sealed class PortalSession(AuthenticationStateProvider authentication, IIdentityStatusCheck chain, IAccountDirectory accounts, IOptions<AuthOptions> auth)
{
    /// <summary>The tenant the pages show; null: every tenant the caller may see.</summary>
    public string? Tenant { get; private set; }

    /// <summary>Raised when <see cref="Tenant"/> changes, so pages reload.</summary>
    public event Action? TenantChanged;

    /// <summary>Shows one tenant's things only (null: all the caller may see).</summary>
    public void SwitchTenant(string? tenant)
    {
        Tenant = string.IsNullOrEmpty(tenant) ? null : tenant;
        TenantChanged?.Invoke();
    }

    /// <summary>The caller when the chain lists it as active now, else null: asked again before anything is changed.</summary>
    public async Task<Caller?> ActiveAsync() => (await CallerAsync(CancellationToken.None)).Caller;

    /// <summary>The caller, or why there is none: signed out, not active on chain, or the chain unreadable.</summary>
    public async Task<PortalCaller> CallerAsync(CancellationToken cancellationToken) =>
        await CallerAsync((await authentication.GetAuthenticationStateAsync()).User, cancellationToken);

    /// <summary>As <see cref="CallerAsync(CancellationToken)"/>, for a plain request of the portal's (a download) rather than a circuit.</summary>
    public async Task<PortalCaller> CallerAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (user.FindFirstValue("sub") is not { Length: > 0 } subject)
        {
            return new PortalCaller(null, "You are not signed in.");
        }

        IReadOnlyList<RoleGrant>? stored = null;
        if (auth.Value.Authority is null)
        {
            if (await accounts.GetAsync(subject, cancellationToken) is not { } account || account.Status != IdentityStatus.Active)
            {
                return new PortalCaller(null, "Your identity is suspended, revoked or gone: access is refused.");
            }

            stored = account.Roles;
        }

        try
        {
            var status = await chain.GetStatusAsync(subject, cancellationToken);
            if (status != IdentityStatus.Active)
            {
                return new PortalCaller(null, status == IdentityStatus.None
                    ? "The chain does not know your identity yet."
                    : $"The chain lists your identity as {status.ToWord()}: access is refused.");
            }
        }
        catch (LedgerUnavailableException)
        {
            return new PortalCaller(null, "The chain cannot be read now, and access is granted only while it lists you as active. Try again shortly.");
        }

        var grants = stored ?? [.. user.FindAll(auth.Value.RoleClaim).Select(c => RoleGrant.TryParse(c.Value, out var g) ? g : null).OfType<RoleGrant>()];
        return new PortalCaller(new Caller(subject, user.FindFirstValue("name") ?? subject, grants), null);
    }
}

/// <summary>The portal's caller, or the reason access is refused.</summary>
/// <param name="Caller">The caller when access is granted.</param>
/// <param name="Refusal">Why it is not, for the page to show.</param>
internal sealed record PortalCaller(Caller? Caller, string? Refusal);
