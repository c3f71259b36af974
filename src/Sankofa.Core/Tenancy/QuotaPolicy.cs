using Sankofa.Core.Topology;

namespace Sankofa.Core.Tenancy;

/// <summary>Checks and takes usage against a project's quota and its tenant's; pure, so a store applies the result atomically.</summary>
public static class QuotaPolicy
{
    /// <summary>Reserves <paramref name="count"/> VMs of <paramref name="size"/>; refused with every quota it would exceed.</summary>
    /// <exception cref="ArgumentException">The project is not the tenant's, or the size or count is not positive.</exception>
    public static QuotaDecision ReserveVms(Tenant tenant, Project project, ComputeResources size, int count = 1)
    {
        if (size.VCpu <= 0 || size.RamMiB <= 0 || size.DiskGiB <= 0)
        {
            throw new ArgumentException($"A VM size needs positive vcpu, ramMiB and diskGiB (was {size}).", nameof(size));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return Reserve(tenant, project, ResourceTotals.ForVms(size, count));
    }

    /// <summary>Reserves <paramref name="request"/>; refused with every quota it would exceed.</summary>
    /// <exception cref="ArgumentException">The project is not the tenant's, or the request has a negative amount.</exception>
    public static QuotaDecision Reserve(Tenant tenant, Project project, ResourceTotals request)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(project);
        if (project.TenantId != tenant.Id)
        {
            throw new ArgumentException($"Project {project.Id} belongs to tenant {project.TenantId}, not {tenant.Id}.", nameof(project));
        }

        if (request.Problems().Count > 0)
        {
            throw new ArgumentException($"A reservation cannot be negative ({string.Join(", ", request.Problems().Keys)}).", nameof(request));
        }

        var refusals = new List<QuotaRefusal>();
        Check(QuotaScope.Project, project.Id, project.Quota, project.Usage, request, refusals);
        Check(QuotaScope.Tenant, tenant.Id, tenant.Quota, tenant.Usage, request, refusals);
        return refusals.Count > 0
            ? new QuotaDecision(tenant, project, refusals)
            : new QuotaDecision(tenant with { Usage = tenant.Usage + request }, project with { Usage = project.Usage + request }, []);
    }

    /// <summary>Gives back usage when VMs are deleted or a reservation is abandoned.</summary>
    /// <exception cref="InvalidOperationException">More would be released than is held (a bookkeeping error, never silently clamped).</exception>
    public static (Tenant Tenant, Project Project) Release(Tenant tenant, Project project, ResourceTotals release)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(project);
        var tenantUsage = tenant.Usage - release;
        var projectUsage = project.Usage - release;
        var negative = tenantUsage.Problems().Keys.Concat(projectUsage.Problems().Keys).Distinct().ToList();
        return negative.Count > 0
            ? throw new InvalidOperationException($"Releasing more than project {project.Id} or tenant {tenant.Id} holds ({string.Join(", ", negative)}).")
            : (tenant with { Usage = tenantUsage }, project with { Usage = projectUsage });
    }

    private static void Check(QuotaScope scope, string id, ResourceTotals quota, ResourceTotals usage, ResourceTotals request, List<QuotaRefusal> refusals)
    {
        foreach (var field in ResourceTotals.FieldNames)
        {
            if (request[field] > 0 && usage[field] + request[field] > quota[field])
            {
                refusals.Add(new QuotaRefusal(scope, id, field, request[field], quota[field], usage[field]));
            }
        }
    }
}
