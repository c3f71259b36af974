using Sankofa.Core;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Provisioning;

namespace Sankofa.Server.Identity.Accounts;

/// <summary>
/// Whether a caller may change an identity and hand out or take a role, for the API and the portal alike (so the
/// portal refuses exactly what the API refuses): an identity the caller may not see is "not found", one it sees but
/// may not manage, or a role outside its tenants, is a 403 naming identities.write.
/// </summary>
internal sealed class IdentityAccess(AccountService accounts)
{
    /// <summary>
    /// Null when <paramref name="caller"/> may change identity <paramref name="id"/> (and hand out or take
    /// <paramref name="role"/>, written as a claim); else the refusal. A missing identity is left to the service, which
    /// answers it in its own words.
    /// </summary>
    public async Task<Error?> RefusalAsync(Caller? caller, string id, string? role, CancellationToken cancellationToken)
    {
        if (await accounts.FindAsync(id, cancellationToken).ConfigureAwait(false) is not { } account)
        {
            return null;
        }

        if (caller?.MayHandleIdentity(Permission.IdentitiesRead, account.Roles) != true)
        {
            return NotFound(id);
        }

        if (!caller.MayHandleIdentity(Permission.IdentitiesWrite, account.Roles))
        {
            return Forbidden($"Your roles do not allow changing identity '{id}'.");
        }

        return role is null ? null : RolesRefusal(caller, [role]);
    }

    /// <summary>A refusal when the caller may not hand out one of these roles: a tenant-scoped caller only roles within its tenants.</summary>
    public static Error? RolesRefusal(Caller? caller, IEnumerable<string>? roles)
    {
        var tenants = caller is null ? new HashSet<string>() : caller.TenantsWith(Permission.IdentitiesWrite);
        if (tenants is null || roles is null)
        {
            return null;
        }

        // Malformed grants are left to the service, which names the field; only well-formed ones out of reach are refused here.
        var refused = roles.Where(r => RoleGrant.TryParse(r, out var g) && (g.Scope is null || g.Role == Roles.SiteAgent || !tenants.Contains(g.Scope))).ToList();
        return refused.Count == 0 ? null : Forbidden($"Your roles do not allow granting {string.Join(", ", refused)}: only roles within your tenants.");
    }

    /// <summary>Grants a role (<paramref name="role"/>, or <c>role@scope</c> with <paramref name="scope"/>) when the caller may.</summary>
    public async Task<Result<StoredAccount>> GrantRoleAsync(
        Caller? caller, string actor, string id, string? role, string? scope, CancellationToken cancellationToken)
    {
        var claim = Claim(role, scope);
        return await RefusalAsync(caller, id, claim, cancellationToken).ConfigureAwait(false) is { } refused
            ? refused
            : await accounts.GrantRoleAsync(actor, id, claim, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes a role (<paramref name="role"/>, or <c>role@scope</c> with <paramref name="scope"/>) when the caller may.</summary>
    public async Task<Result<StoredAccount>> RevokeRoleAsync(
        Caller? caller, string actor, string id, string? role, string? scope, CancellationToken cancellationToken)
    {
        var claim = Claim(role, scope);
        return await RefusalAsync(caller, id, claim, cancellationToken).ConfigureAwait(false) is { } refused
            ? refused
            : await accounts.RevokeRoleAsync(actor, id, claim, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The grant as written in a claim. A role already scoped and a scope beside it make "a@b@c", which the rules
    /// refuse naming the role: one of them would otherwise be dropped without a word.</summary>
    private static string? Claim(string? role, string? scope) =>
        string.IsNullOrEmpty(scope) || role is null ? role : role + "@" + scope;

    private static Error NotFound(string id) => Error.NotFound("id", $"There is no identity '{id}'.");

    private static Error Forbidden(string message) =>
        new(ErrorKind.Forbidden, message, new Dictionary<string, string[]>()) { MissingPermission = Permission.IdentitiesWrite.ToName() };
}
