namespace Sankofa.Core.Tenancy;

/// <summary>A customer organisation: the outer quota every one of its projects draws from.</summary>
/// <param name="Id">Stable identifier.</param>
/// <param name="Name">Display name.</param>
/// <param name="Quota">Most the tenant may hold across all its projects.</param>
/// <param name="Usage">What its projects hold now.</param>
public sealed record Tenant(string Id, string Name, ResourceTotals Quota, ResourceTotals Usage);

/// <summary>A tenant's project: VMs are requested in a project and count against both its quota and the tenant's.</summary>
/// <param name="Id">Stable identifier.</param>
/// <param name="TenantId">The owning tenant.</param>
/// <param name="Name">Display name.</param>
/// <param name="Quota">Most this project may hold.</param>
/// <param name="Usage">What this project holds now.</param>
public sealed record Project(string Id, string TenantId, string Name, ResourceTotals Quota, ResourceTotals Usage);
