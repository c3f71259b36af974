using Sankofa.Core.Audit;

namespace Sankofa.Core.Tenancy;

/// <summary>Storage of projects. Every creation takes the audit event that records it and commits both in one transaction.</summary>
public interface IProjectStore
{
    /// <summary>Stores a new project of an existing tenant.</summary>
    /// <exception cref="StoreConflictException">A project with that id exists.</exception>
    Task CreateProjectAsync(Project project, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>One project, or null.</summary>
    Task<Project?> GetProjectAsync(string projectId, CancellationToken cancellationToken);

    /// <summary>The projects of a tenant (every project when null), by id.</summary>
    Task<IReadOnlyList<Project>> ListProjectsAsync(string? tenantId, CancellationToken cancellationToken);
}
