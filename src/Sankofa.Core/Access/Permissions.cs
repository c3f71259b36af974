namespace Sankofa.Core.Access;

/// <summary>What a caller may do; which roles grant which is <see cref="Caller"/>'s matrix (written out in docs/identity.md).</summary>
public enum Permission
{
    /// <summary>Read sites, their capacity and health.</summary>
    SitesRead,

    /// <summary>Read the chain's status.</summary>
    LedgerRead,

    /// <summary>Read a tenant and its projects (quota, usage).</summary>
    TenantsRead,

    /// <summary>Create tenants (platform only).</summary>
    TenantsWrite,

    /// <summary>Create a tenant's projects.</summary>
    ProjectsWrite,

    /// <summary>Read a tenant's resources, their history, placement and usage.</summary>
    ResourcesRead,

    /// <summary>Request, place and delete a tenant's resources.</summary>
    ResourcesWrite,

    /// <summary>Read the audit log and its proofs (platform only: entries are not tagged with a tenant).</summary>
    AuditRead,

    /// <summary>Record audit events directly (platform only).</summary>
    AuditWrite,

    /// <summary>Read identities (a tenant's: those holding roles in it).</summary>
    IdentitiesRead,

    /// <summary>Create identities, change their roles and status (a tenant's: roles within it only).</summary>
    IdentitiesWrite,

    /// <summary>Issue verifiable credentials (a tenant's roles only).</summary>
    CredentialsIssue,

    /// <summary>Attest for a site (site agents, for their own site).</summary>
    SiteAttest,

    /// <summary>Read site agents: their keys, state, version and last report (platform only).</summary>
    AgentsRead,

    /// <summary>Submit a site agent's registration (platform only).</summary>
    AgentsWrite,

    /// <summary>Approve a site agent, recording its key on chain as the site's (platform only).</summary>
    AgentsApprove,

    /// <summary>Read price books, and a tenant's invoices and statements.</summary>
    BillingRead,

    /// <summary>Manage price books, billing runs and deposits (platform only).</summary>
    BillingWrite,

    /// <summary>Archive old audit entries to files and delete those whose retention ended (platform only).</summary>
    AuditArchive,

    /// <summary>Read a tenant's residency report: where its resources ran and under which jurisdiction.</summary>
    ResidencyRead,

    /// <summary>Export everything held about an identity (platform only; an identity may always export its own).</summary>
    PrivacyExport,

    /// <summary>Erase an identity's personal data by destroying its key (platform only).</summary>
    PrivacyErase,

    /// <summary>Read hardware assets, their custody timelines and documents (platform only).</summary>
    AssetsRead,

    /// <summary>Register assets, upload custody documents and submit the parties' signed custody events (platform only).</summary>
    AssetsWrite,

    /// <summary>Read control-evidence runs, their packages and reports (platform only: evidence covers the whole platform).</summary>
    EvidenceRead,

    /// <summary>Start a control-evidence run for a period (platform only).</summary>
    EvidenceRun,
}

/// <summary>Names of permissions as docs/identity.md and API refusals write them.</summary>
public static class PermissionNames
{
    /// <summary>The permission as written in docs and refusals: <c>resources.write</c> for <see cref="Permission.ResourcesWrite"/>.</summary>
    public static string ToName(this Permission permission)
    {
        // Every permission is a noun and a verb in PascalCase: the verb starts at the last capital.
        var text = permission.ToString();
        var verb = text.AsSpan().LastIndexOfAnyInRange('A', 'Z');
        return string.Concat(text[..verb].ToLowerInvariant(), ".", text[verb..].ToLowerInvariant());
    }
}

/// <summary>
/// Who is calling, as the API sees it after the token was validated and the chain said the identity is active: the
/// identity id and its role grants. Answers whether it may do something, and within which tenants.
/// </summary>
/// <param name="Id">Identity id (the token's subject).</param>
/// <param name="Name">Display name.</param>
/// <param name="Grants">Role grants from the token.</param>
public sealed record Caller(string Id, string Name, IReadOnlyList<RoleGrant> Grants)
{
    private static readonly Dictionary<string, Permission[]> Matrix = new(StringComparer.Ordinal)
    {
        [Roles.PlatformAdmin] = Enum.GetValues<Permission>(),
        [Roles.TenantAdmin] = [Permission.SitesRead, Permission.LedgerRead, Permission.TenantsRead, Permission.ProjectsWrite, Permission.ResourcesRead,
            Permission.ResourcesWrite, Permission.IdentitiesRead, Permission.IdentitiesWrite, Permission.CredentialsIssue, Permission.BillingRead,
            Permission.ResidencyRead],
        [Roles.Operator] = [Permission.SitesRead, Permission.LedgerRead, Permission.TenantsRead, Permission.ResourcesRead, Permission.ResourcesWrite,
            Permission.AuditArchive, Permission.ResidencyRead],
        [Roles.Auditor] = [Permission.SitesRead, Permission.LedgerRead, Permission.TenantsRead, Permission.ResourcesRead, Permission.AuditRead, Permission.IdentitiesRead,
            Permission.AgentsRead, Permission.BillingRead, Permission.ResidencyRead, Permission.AssetsRead,
            Permission.EvidenceRead, Permission.EvidenceRun],
        [Roles.Viewer] = [Permission.SitesRead, Permission.LedgerRead, Permission.TenantsRead, Permission.ResourcesRead],
        [Roles.SiteAgent] = [Permission.SitesRead, Permission.LedgerRead, Permission.SiteAttest],
        [Roles.BillingAdmin] = [Permission.SitesRead, Permission.LedgerRead, Permission.TenantsRead, Permission.BillingRead, Permission.BillingWrite],
        [Roles.BillingViewer] = [Permission.SitesRead, Permission.LedgerRead, Permission.TenantsRead, Permission.BillingRead],
        [Roles.PrivacyOfficer] = [Permission.SitesRead, Permission.LedgerRead, Permission.AuditRead, Permission.IdentitiesRead, Permission.PrivacyExport, Permission.PrivacyErase],
        [Roles.Supplier] = [Permission.SitesRead, Permission.LedgerRead, Permission.AssetsRead, Permission.AssetsWrite],
        [Roles.Carrier] = [Permission.SitesRead, Permission.LedgerRead, Permission.AssetsRead, Permission.AssetsWrite],
        [Roles.Inspector] = [Permission.SitesRead, Permission.LedgerRead, Permission.AssetsRead, Permission.AssetsWrite],
    };

    /// <summary>Permissions that only platform-wide grants give (no tenant scope narrows them).</summary>
    private static readonly HashSet<Permission> PlatformOnly =
        [Permission.TenantsWrite, Permission.AuditRead, Permission.AuditWrite, Permission.AgentsRead, Permission.AgentsWrite, Permission.AgentsApprove, Permission.BillingWrite,
        Permission.AuditArchive, Permission.PrivacyExport, Permission.PrivacyErase, Permission.AssetsRead, Permission.AssetsWrite,
        Permission.EvidenceRead, Permission.EvidenceRun];

    /// <summary>Permissions about the fleet rather than a tenant: any grant holding them counts, whatever its scope.</summary>
    private static readonly HashSet<Permission> Global = [Permission.SitesRead, Permission.LedgerRead];

    /// <summary>Whether the role grants the permission at all (the matrix, scope aside).</summary>
    public static bool RoleGrants(string role, Permission permission) => Matrix.TryGetValue(role, out var p) && p.Contains(permission);

    /// <summary>Whether any grant gives the permission somewhere (to show or hide an action before a tenant is known).</summary>
    public bool HasAny(Permission permission) => Grants.Any(g => RoleGrants(g.Role, permission) && (g.Scope is null || !PlatformOnly.Contains(permission)));

    /// <summary>Whether the caller may do this within <paramref name="tenantId"/> (null: platform-wide; for <see cref="Permission.SiteAttest"/> the site id).</summary>
    public bool Can(Permission permission, string? tenantId)
    {
        foreach (var grant in Grants)
        {
            if (!RoleGrants(grant.Role, permission))
            {
                continue;
            }

            // A site agent's scope is a site, so it matches only the site-scoped permission; tenant roles' scopes are tenants.
            if (grant.Scope is null || Global.Contains(permission)
                || (!PlatformOnly.Contains(permission) && (grant.Role == Roles.SiteAgent) == (permission == Permission.SiteAttest)
                    && tenantId is not null && string.Equals(grant.Scope, tenantId, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the caller may see (<see cref="Permission.IdentitiesRead"/>) or manage (<see cref="Permission.IdentitiesWrite"/>)
    /// an identity holding <paramref name="roles"/>: a platform-wide holder any; a tenant-scoped holder only one that
    /// holds roles, all of them within its tenants (so it never sees another tenant's grants nor a platform administrator).
    /// </summary>
    public bool MayHandleIdentity(Permission permission, IReadOnlyCollection<RoleGrant> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var tenants = TenantsWith(permission);
        return tenants is null || (roles.Count > 0 && roles.All(r => r.Scope is not null && r.Role != Roles.SiteAgent && tenants.Contains(r.Scope)));
    }

    /// <summary>
    /// Whether the caller may have a role credential issued for <paramref name="role"/> (within <paramref name="scope"/>)
    /// to <paramref name="subjectIdentityId"/>: for itself, for a role it holds; for others, a tenant administrator for
    /// tenant roles within its tenants, and a platform-wide holder of credentials.issue for any (platform roles,
    /// unscoped grants and site agents only the latter: a tenant may share a site's id, so a scope alone does not say which).
    /// </summary>
    public bool MayRequestCredential(string? subjectIdentityId, string? role, string? scope)
    {
        if (subjectIdentityId == Id && Grants.Any(g => g.Role == role && g.Scope == scope))
        {
            return true;
        }

        return role is Roles.PlatformAdmin or Roles.SiteAgent || scope is null
            ? Can(Permission.CredentialsIssue, null)
            : Can(Permission.CredentialsIssue, scope);
    }

    /// <summary>
    /// Why the caller may not do <paramref name="permission"/> in <paramref name="tenantId"/>: null when it may;
    /// <see cref="AccessRefusal.Hidden"/> when it cannot even see the tenant, so the answer must be the one a missing
    /// thing gets (404, not 403: other tenants' ids cannot be probed).
    /// </summary>
    public AccessRefusal? Refusal(Permission permission, string tenantId) =>
        Can(permission, tenantId) ? null : Can(Permission.TenantsRead, tenantId) ? AccessRefusal.Forbidden : AccessRefusal.Hidden;

    /// <summary>
    /// The tenants within which the caller holds the permission: null when it holds it platform-wide (no filter), else
    /// the set (possibly empty). Lists are filtered by it, so another tenant's things are never even counted.
    /// </summary>
    public IReadOnlySet<string>? TenantsWith(Permission permission)
    {
        if (Grants.Any(g => g.Scope is null && RoleGrants(g.Role, permission)))
        {
            return null;
        }

        return Grants.Where(g => g.Scope is not null && g.Role != Roles.SiteAgent && RoleGrants(g.Role, permission)).Select(g => g.Scope!).ToHashSet(StringComparer.Ordinal);
    }
}

/// <summary>How a request about a tenant's thing is refused.</summary>
public enum AccessRefusal
{
    /// <summary>The caller sees the tenant but its roles there do not allow this: 403.</summary>
    Forbidden,

    /// <summary>The caller cannot see the tenant: answered exactly as if the thing did not exist (404).</summary>
    Hidden,
}
