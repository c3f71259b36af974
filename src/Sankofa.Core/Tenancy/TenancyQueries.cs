using Sankofa.Core.Access;
using Sankofa.Core.Identity;

namespace Sankofa.Core.Tenancy;

/// <summary>
/// Every read of tenants and projects, with the caller's visibility applied here once: a caller sees only the tenants
/// its roles are in, and another tenant, or its projects, answer exactly as missing ones (ids cannot be probed).
/// REST, GraphQL and the portal call these and only map the answers.
/// </summary>
/// <param name="tenantStore">Where tenants live.</param>
/// <param name="projectStore">Where projects live.</param>
public sealed class TenancyQueries(ITenantStore tenantStore, IProjectStore projectStore)
{
    /// <summary>The tenants the caller may see, by id.</summary>
    public async Task<Result<IReadOnlyList<Tenant>>> ListTenantsAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        var visible = caller.TenantsWith(Permission.TenantsRead);
        var tenants = await tenantStore.ListTenantsAsync(cancellationToken).ConfigureAwait(false);
        return Result<IReadOnlyList<Tenant>>.Ok([.. tenants.Where(t => visible is null || visible.Contains(t.Id))]);
    }

    /// <summary>One tenant, when the caller may see it.</summary>
    public async Task<Result<Tenant>> GetTenantAsync(Caller caller, string tenantId, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        var missing = Error.NotFound("id", $"There is no tenant '{tenantId}'.");
        if (await tenantStore.GetTenantAsync(tenantId, cancellationToken).ConfigureAwait(false) is not { } tenant)
        {
            return missing;
        }

        return AccessErrors.Denied(caller, Permission.TenantsRead, tenant.Id, missing) is { } denied ? denied : Result<Tenant>.Ok(tenant);
    }

    /// <summary>A tenant's projects, by id, when the caller may see the tenant.</summary>
    public async Task<Result<IReadOnlyList<Project>>> ListProjectsAsync(Caller caller, string tenantId, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        var missing = Error.NotFound("tenantId", $"There is no tenant '{tenantId}'.");
        if (AccessErrors.Denied(caller, Permission.TenantsRead, tenantId, missing) is { } denied)
        {
            return denied;
        }

        if (await tenantStore.GetTenantAsync(tenantId, cancellationToken).ConfigureAwait(false) is null)
        {
            return missing;
        }

        return Result<IReadOnlyList<Project>>.Ok(await projectStore.ListProjectsAsync(tenantId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One project, when the caller may see its tenant.</summary>
    public async Task<Result<Project>> GetProjectAsync(Caller caller, string projectId, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }

        var missing = Error.NotFound("id", $"There is no project '{projectId}'.");
        if (await projectStore.GetProjectAsync(projectId, cancellationToken).ConfigureAwait(false) is not { } project)
        {
            return missing;
        }

        return AccessErrors.Denied(caller, Permission.TenantsRead, project.TenantId, missing) is { } denied ? denied : Result<Project>.Ok(project);
    }

    /// <summary>
    /// The projects in which the caller may do <paramref name="permission"/> (a picker of where to create or what to
    /// meter), of one tenant or, when <paramref name="tenantId"/> is null, of every tenant; by id.
    /// </summary>
    public async Task<IReadOnlyList<Project>> ProjectsWhereAsync(Caller caller, Permission permission, string? tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var projects = await projectStore.ListProjectsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return [.. projects.Where(p => caller.Can(permission, p.TenantId)).OrderBy(p => p.Id, StringComparer.Ordinal)];
    }

    /// <summary>A 403 for a caller whose roles let it see tenants nowhere; null when they do somewhere.</summary>
    private static Error? Refusal(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.HasAny(Permission.TenantsRead) ? null : AccessErrors.Forbidden(Permission.TenantsRead);
    }
}
