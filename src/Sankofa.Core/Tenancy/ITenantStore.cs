using Sankofa.Core.Audit;

namespace Sankofa.Core.Tenancy;

/// <summary>Storage of tenants. Every creation takes the audit event that records it and commits both in one transaction.</summary>
public interface ITenantStore
{
    /// <summary>Stores a new tenant.</summary>
    /// <exception cref="StoreConflictException">A tenant with that id exists.</exception>
    Task CreateTenantAsync(Tenant tenant, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>One tenant, or null.</summary>
    Task<Tenant?> GetTenantAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Every tenant, by id.</summary>
    Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken);
}
