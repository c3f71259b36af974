namespace Sankofa.Core.Access;

/// <summary>
/// The roles of Sankofa's access model (the permission matrix is docs/identity.md). Platform roles have no scope;
/// tenant roles are granted within one tenant; <see cref="SiteAgent"/> within one site.
/// </summary>
public static class Roles
{
    /// <summary>Everything, on every tenant and site.</summary>
    public const string PlatformAdmin = "platform-admin";

    /// <summary>Manages one tenant: its projects, resources and identities.</summary>
    public const string TenantAdmin = "tenant-admin";

    /// <summary>Creates, changes and deletes resources of one tenant.</summary>
    public const string Operator = "operator";

    /// <summary>Reads everything of one tenant (or, without scope, of all) including the audit log; changes nothing.</summary>
    public const string Auditor = "auditor";

    /// <summary>Reads one tenant's resources, projects and usage; changes nothing.</summary>
    public const string Viewer = "viewer";

    /// <summary>A site's agent: attests and reports for one site.</summary>
    public const string SiteAgent = "site-agent";

    /// <summary>Manages billing platform-wide: price books, billing runs, deposits (docs/billing.md). Platform-wide only.</summary>
    public const string BillingAdmin = "billing-admin";

    /// <summary>Reads one tenant's invoices and statements, and signs or disputes its invoices with its own key (the customer).</summary>
    public const string BillingViewer = "billing-viewer";

    /// <summary>Answers subject-access requests and erases personal data (docs/personal-data.md). Platform-wide only.</summary>
    public const string PrivacyOfficer = "privacy-officer";

    /// <summary>Makes or supplies hardware: registers assets and signs their registration with its own key (docs/hardware.md). Platform-wide only.</summary>
    public const string Supplier = "supplier";

    /// <summary>Carries hardware: receives and hands on custody, signing each transfer with its own key. Platform-wide only.</summary>
    public const string Carrier = "carrier";

    /// <summary>Inspects hardware (firmware measured, tamper seal intact) and signs each inspection with its own key. Platform-wide only.</summary>
    public const string Inspector = "inspector";

    /// <summary>Every role name.</summary>
    public static readonly IReadOnlyList<string> All = [PlatformAdmin, TenantAdmin, Operator, Auditor, Viewer, SiteAgent, BillingAdmin, BillingViewer, PrivacyOfficer, Supplier, Carrier, Inspector];

    /// <summary>Whether the role is granted within a tenant or site (true) or platform-wide only (false).</summary>
    public static bool IsScoped(string role) => role is TenantAdmin or Operator or Viewer or SiteAgent or BillingViewer;

    /// <summary>Whether the role is granted platform-wide only (never within a tenant).</summary>
    public static bool IsPlatformOnly(string role) => role is PlatformAdmin or BillingAdmin or PrivacyOfficer or Supplier or Carrier or Inspector;
}

/// <summary>
/// A role within a scope: a tenant id for tenant roles, a site id for <see cref="Roles.SiteAgent"/>, null platform-wide
/// (<see cref="Roles.PlatformAdmin"/>, and <see cref="Roles.Auditor"/> over all tenants). In tokens it travels as one
/// <c>role</c> claim, <c>role</c> or <c>role@scope</c> (<see cref="ToClaim"/>, <see cref="TryParse"/>).
/// </summary>
/// <param name="Role">One of <see cref="Roles.All"/>.</param>
/// <param name="Scope">Tenant or site id, or null.</param>
public sealed record RoleGrant(string Role, string? Scope = null)
{
    /// <summary>The claim type roles travel in, in Sankofa's own tokens.</summary>
    public const string ClaimType = "role";

    /// <summary>The claim value: <c>role</c> or <c>role@scope</c>.</summary>
    public string ToClaim() => Scope is null ? Role : Role + "@" + Scope;

    /// <summary>Reads a claim value; false when the role is unknown, or a scope is missing or present where it must not be.</summary>
    public static bool TryParse(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RoleGrant? grant)
    {
        grant = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        var role = at < 0 ? value : value[..at];
        var scope = at < 0 ? null : value[(at + 1)..];
        if (!Roles.All.Contains(role) || scope is { Length: 0 } || (scope is null && Roles.IsScoped(role)) || (scope is not null && Roles.IsPlatformOnly(role)))
        {
            return false;
        }

        grant = new RoleGrant(role, scope);
        return true;
    }
}
