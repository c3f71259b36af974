using Sankofa.Core.Tenancy;

namespace Sankofa.Server.Tenancy;

/// <summary>Body of <c>POST /api/v1/tenants</c> and <c>POST /api/v1/tenants/{id}/projects</c>.</summary>
/// <param name="Id">Id to use (lower-case letters, digits, dashes); generated when absent.</param>
/// <param name="Name">Display name.</param>
/// <param name="Quota">Most it may hold.</param>
public sealed record CreateTenancyBody(string? Id, string? Name, QuotaBody? Quota);

/// <summary>Quota (or usage) amounts; a missing field is 0.</summary>
/// <param name="Vcpu">Virtual CPUs.</param>
/// <param name="RamMiB">Memory in MiB.</param>
/// <param name="DiskGiB">Disk in GiB.</param>
/// <param name="Vms">Number of VMs.</param>
public sealed record QuotaBody(int Vcpu, long RamMiB, long DiskGiB, int Vms)
{
    internal ResourceTotals ToTotals() => new(Vcpu, RamMiB, DiskGiB, Vms);

    internal static QuotaBody From(ResourceTotals t) => new(t.VCpu, t.RamMiB, t.DiskGiB, t.Vms);
}

/// <summary>A tenant.</summary>
/// <param name="Id">Id.</param>
/// <param name="Name">Name.</param>
/// <param name="Quota">Limits.</param>
/// <param name="Usage">Held now by its projects.</param>
/// <param name="Remaining">What is left.</param>
public sealed record TenantResponse(string Id, string Name, QuotaBody Quota, QuotaBody Usage, QuotaBody Remaining)
{
    internal static TenantResponse From(Tenant t) => new(t.Id, t.Name, QuotaBody.From(t.Quota), QuotaBody.From(t.Usage), QuotaBody.From(t.Quota - t.Usage));
}

/// <summary>A project.</summary>
/// <param name="Id">Id.</param>
/// <param name="TenantId">Tenant.</param>
/// <param name="Name">Name.</param>
/// <param name="Quota">Limits.</param>
/// <param name="Usage">Held now.</param>
/// <param name="Remaining">What is left of its own quota.</param>
public sealed record ProjectResponse(string Id, string TenantId, string Name, QuotaBody Quota, QuotaBody Usage, QuotaBody Remaining)
{
    internal static ProjectResponse From(Project p) => new(p.Id, p.TenantId, p.Name, QuotaBody.From(p.Quota), QuotaBody.From(p.Usage), QuotaBody.From(p.Quota - p.Usage));
}
