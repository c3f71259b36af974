using Sankofa.Core.Access;
using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Core.Identity;

/// <summary>
/// An identity list as a caller asks for it, before validation: REST query parameters map onto it one to one.
/// </summary>
/// <param name="Kind">Only this kind: user or service.</param>
/// <param name="Status">Only this status: active, suspended or revoked.</param>
/// <param name="TenantId">Only identities holding a role within this tenant; a tenant-scoped reader must name one of its tenants.</param>
/// <param name="Before">The previous page's next cursor.</param>
/// <param name="Limit">Page size, 1 to <see cref="IdentityQueries.MaxPageSize"/> (default 100).</param>
public sealed record IdentityListRequest(string? Kind = null, string? Status = null, string? TenantId = null, long? Before = null, int? Limit = null);

/// <summary>One identity with its chain steps.</summary>
/// <param name="Account">The identity as stored.</param>
/// <param name="Steps">Its chain steps, oldest first, recorded or not.</param>
public sealed record IdentityDetail(StoredAccount Account, IReadOnlyList<PendingChainStep> Steps);

/// <summary>
/// Every read of identities, with the caller's visibility applied here once: a platform-wide reader sees every identity, a
/// tenant-scoped one only those whose every role is within its tenants, and lists one of its tenants' members at a
/// time. An identity or tenant the caller may not see answers exactly as a missing one (ids cannot be probed). REST
/// and the portal call these and only map the answers.
/// </summary>
/// <param name="store">Where accounts live.</param>
public sealed class IdentityQueries(IAccountStore store)
{
    /// <summary>Largest page a list returns.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>A page of the identities the caller may see, newest first, filtered as asked.</summary>
    public async Task<Result<AccountPage>> ListAsync(Caller caller, IdentityListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        var errors = new Dictionary<string, string[]>();
        AccountKind? kind = request.Kind switch
        {
            null => null,
            "user" => AccountKind.User,
            "service" => AccountKind.Service,
            _ => Invalid<AccountKind>(errors, "kind", "One of: user, service."),
        };
        IdentityStatus? status = request.Status switch
        {
            null => null,
            "active" => IdentityStatus.Active,
            "suspended" => IdentityStatus.Suspended,
            "revoked" => IdentityStatus.Revoked,
            _ => Invalid<IdentityStatus>(errors, "status", "One of: active, suspended, revoked."),
        };
        if (request.TenantId is { Length: 0 })
        {
            errors["tenantId"] = ["Must not be empty."];
        }

        if (request.Limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"Must be between 1 and {MaxPageSize}."];
        }

        if (request.Before is < 1)
        {
            errors["before"] = ["Must be a positive cursor (the 'next' value of the previous page)."];
        }

        if (caller.TenantsWith(Permission.IdentitiesRead) is { } tenants)
        {
            // A tenant-scoped caller lists the members of one of its tenants, never everyone.
            if (request.TenantId is null)
            {
                errors["tenantId"] = ["Required: your roles are within tenants, so say which tenant's identities to list."];
            }
            else if (!tenants.Contains(request.TenantId))
            {
                return Error.NotFound("tenantId", $"There is no tenant '{request.TenantId}'.");
            }
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        // Members who also hold roles elsewhere are left out for a tenant-scoped caller, so a page may hold fewer than
        // 'limit' items; 'next' still continues where the store stopped.
        var page = await store.ListAsync(new AccountQuery(kind, status, request.TenantId, request.Before, request.Limit ?? 100), cancellationToken).ConfigureAwait(false);
        return Result<AccountPage>.Ok(page with { Items = [.. page.Items.Where(a => Visible(caller, a))] });
    }

    /// <summary>One identity with its chain steps, when the caller may see it.</summary>
    public async Task<Result<IdentityDetail>> GetAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } account || !Visible(caller, account))
        {
            return Error.NotFound("id", $"There is no identity '{id}'.");
        }

        return Result<IdentityDetail>.Ok(new IdentityDetail(account, await store.GetStepsAsync(id, cancellationToken).ConfigureAwait(false)));
    }

    /// <summary>The caller's own account, which it always sees whatever its roles; null for one signed in through an external issuer.</summary>
    public async Task<StoredAccount?> GetOwnAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return await store.GetAsync(caller.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A 403 for a caller whose roles let it read identities nowhere; null when they do somewhere.</summary>
    private static Error? Refusal(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.HasAny(Permission.IdentitiesRead) ? null : AccessErrors.Forbidden(Permission.IdentitiesRead);
    }

    /// <summary>A platform-wide reader sees any identity; a tenant-scoped one those that hold roles, and only within its tenants.</summary>
    private static bool Visible(Caller caller, StoredAccount account) => caller.MayHandleIdentity(Permission.IdentitiesRead, account.Roles);

    private static T? Invalid<T>(Dictionary<string, string[]> errors, string field, string message)
        where T : struct
    {
        errors[field] = [message];
        return null;
    }
}
