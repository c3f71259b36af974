namespace Sankofa.Core.Tenancy;

/// <summary>The outcome of reserving resources against a project's and its tenant's quotas.</summary>
/// <param name="Tenant">The tenant, with the reservation added to its usage when granted; unchanged when refused.</param>
/// <param name="Project">The project, likewise.</param>
/// <param name="Refusals">Every quota the request would exceed (project quotas first); empty when granted.</param>
public sealed record QuotaDecision(Tenant Tenant, Project Project, IReadOnlyList<QuotaRefusal> Refusals)
{
    /// <summary>True when no quota is exceeded and the usage has been taken.</summary>
    public bool IsGranted => Refusals.Count == 0;
}
