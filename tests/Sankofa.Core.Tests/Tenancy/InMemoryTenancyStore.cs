using Sankofa.Core.Audit;
using Sankofa.Core.Tenancy;

namespace Sankofa.Core.Tests.Tenancy;

/// <summary>Tenants and projects in memory, for unit tests of the tenancy services; records the audit events it is given.</summary>
internal sealed class InMemoryTenancyStore : ITenantStore, IProjectStore
{
    private readonly Dictionary<string, Tenant> tenants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Project> projects = new(StringComparer.Ordinal);

    public List<AuditEvent> Audit { get; } = [];

    public Task CreateTenantAsync(Tenant tenant, AuditEvent audit, CancellationToken cancellationToken)
    {
        if (!tenants.TryAdd(tenant.Id, tenant))
        {
            throw new StoreConflictException($"Tenant {tenant.Id} exists.");
        }

        Audit.Add(audit);
        return Task.CompletedTask;
    }

    public Task<Tenant?> GetTenantAsync(string tenantId, CancellationToken cancellationToken) => Task.FromResult(tenants.GetValueOrDefault(tenantId));

    public Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Tenant>>([.. tenants.Values.OrderBy(t => t.Id, StringComparer.Ordinal)]);

    public Task CreateProjectAsync(Project project, AuditEvent audit, CancellationToken cancellationToken)
    {
        if (!projects.TryAdd(project.Id, project))
        {
            throw new StoreConflictException($"Project {project.Id} exists.");
        }

        Audit.Add(audit);
        return Task.CompletedTask;
    }

    public Task<Project?> GetProjectAsync(string projectId, CancellationToken cancellationToken) => Task.FromResult(projects.GetValueOrDefault(projectId));

    public Task<IReadOnlyList<Project>> ListProjectsAsync(string? tenantId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Project>>([.. projects.Values.Where(p => tenantId is null || p.TenantId == tenantId).OrderBy(p => p.Id, StringComparer.Ordinal)]);
}
