using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sankofa.Core.Audit;

namespace Sankofa.Core.Tenancy;

/// <summary>Creates tenants and projects with their quotas; each creation is stored together with its audit entry.</summary>
/// <param name="tenants">Where tenants live.</param>
/// <param name="projects">Where projects live.</param>
public sealed partial class TenancyService(ITenantStore tenants, IProjectStore projects)
{
    /// <summary>Creates a tenant; <paramref name="id"/> null: one is generated.</summary>
    public async Task<Result<Tenant>> CreateTenantAsync(string actor, string? id, string? name, ResourceTotals quota, CancellationToken cancellationToken)
    {
        var errors = Validate(id, name, quota);
        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var tenant = new Tenant(id ?? NewId("t-"), name!, quota, default);
        try
        {
            await tenants.CreateTenantAsync(tenant, new AuditEvent(actor, "tenancy.tenant.created", "tenant:" + tenant.Id,
                JsonSerializer.Serialize(new { name = tenant.Name, quota = Quota(quota) })), cancellationToken).ConfigureAwait(false);
        }
        catch (StoreConflictException)
        {
            return Error.Conflict("id", $"A tenant '{tenant.Id}' exists already.");
        }

        return Result<Tenant>.Ok(tenant);
    }

    /// <summary>Creates a project of an existing tenant; <paramref name="id"/> null: one is generated.</summary>
    public async Task<Result<Project>> CreateProjectAsync(string actor, string tenantId, string? id, string? name, ResourceTotals quota, CancellationToken cancellationToken)
    {
        var errors = Validate(id, name, quota);
        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        if (await tenants.GetTenantAsync(tenantId, cancellationToken).ConfigureAwait(false) is null)
        {
            return Error.NotFound("tenantId", $"There is no tenant '{tenantId}'.");
        }

        var project = new Project(id ?? NewId("p-"), tenantId, name!, quota, default);
        try
        {
            await projects.CreateProjectAsync(project, new AuditEvent(actor, "tenancy.project.created", "project:" + project.Id,
                JsonSerializer.Serialize(new { tenantId, name = project.Name, quota = Quota(quota) })), cancellationToken).ConfigureAwait(false);
        }
        catch (StoreConflictException)
        {
            return Error.Conflict("id", $"A project '{project.Id}' exists already.");
        }

        return Result<Project>.Ok(project);
    }

    private static Dictionary<string, string[]> Validate(string? id, string? name, ResourceTotals quota)
    {
        var errors = new Dictionary<string, string[]>();
        if (id is not null && !Id().IsMatch(id))
        {
            errors["id"] = ["Must be 1–63 lower-case letters, digits and dashes, starting with a letter or digit."];
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            errors["name"] = ["Required."];
        }
        else if (name.Length > 200 || name.Any(char.IsControl))
        {
            errors["name"] = ["At most 200 printable characters."];
        }

        foreach (var (field, problem) in quota.Problems())
        {
            errors["quota." + field] = [problem];
        }

        return errors;
    }

    private static object Quota(ResourceTotals q) => new { vcpu = q.VCpu, ramMiB = q.RamMiB, diskGiB = q.DiskGiB, vms = q.Vms };

    private static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex Id();
}
