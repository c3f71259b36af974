using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Residency;

/// <summary>
/// Residency reports: for a tenant and a period, every resource that existed in it, where it ran (site, jurisdiction),
/// the chain's record of that placement as proof, and flags for anything outside its allowed jurisdictions or differing
/// from the chain. REST, the CLI and the portal call this; it checks the caller once.
/// </summary>
/// <param name="resources">The store's resources.</param>
/// <param name="tenants">The store's tenants.</param>
/// <param name="catalog">The sites and their jurisdictions.</param>
/// <param name="chain">The chain's records.</param>
/// <param name="time">The clock.</param>
public sealed class ResidencyReports(IResourceStore resources, ITenantStore tenants, SiteCatalog catalog, IResidencyLedger chain, TimeProvider time)
{
    /// <summary>Longest period one report covers.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(3660);

    private const int PageSize = 1000;

    /// <summary>The report of <paramref name="tenantId"/> over [<paramref name="from"/>, <paramref name="to"/>); <c>to</c> defaults to now.</summary>
    public async Task<Result<ResidencyReport>> ReportAsync(Caller caller, string? tenantId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.HasAny(Permission.ResidencyRead))
        {
            return AccessErrors.Forbidden(Permission.ResidencyRead);
        }

        var now = time.GetUtcNow();
        var end = to ?? now;
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(tenantId))
        {
            errors["tenant"] = ["Required: the tenant whose resources the report covers."];
        }

        if (from is null)
        {
            errors["from"] = ["Required: the start of the period (ISO 8601)."];
        }
        else if (from >= end)
        {
            errors["to"] = ["Must be later than 'from'."];
        }
        else if (end - from > MaxPeriod)
        {
            errors["to"] = [$"The period may be at most {MaxPeriod.TotalDays:0} days."];
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var notFound = Error.NotFound("tenant", $"There is no tenant '{tenantId}'.");
        if (AccessErrors.Denied(caller, Permission.ResidencyRead, tenantId!, notFound) is { } denied)
        {
            return denied;
        }

        if (await tenants.GetTenantAsync(tenantId!, cancellationToken).ConfigureAwait(false) is null)
        {
            return notFound;
        }

        var present = await PresentAsync(tenantId!, from!.Value, end, cancellationToken).ConfigureAwait(false);
        var read = await chain.ReadAsync([.. present.Select(r => new ResidencyClaim(r.Id, r.Placement.SiteId, r.Placement.HostId))], cancellationToken)
            .ConfigureAwait(false);
        var lines = new List<ResidencyLine>(present.Count);
        for (var i = 0; i < present.Count; i++)
        {
            var r = present[i];
            var record = read.Records[i];
            // The catalog's jurisdiction of the site the store names: a store edited to another site shows that site's law.
            var jurisdiction = catalog.Find(r.Placement.SiteId)?.Jurisdiction ?? r.Placement.Jurisdiction;
            var allowed = r.Placement.AllowedJurisdictions;
            lines.Add(new ResidencyLine(
                r.Id, r.Name, r.ProjectId, r.Status.ToString(), r.Placement.SiteId, r.Placement.HostId, jurisdiction, allowed,
                Max(r.CreatedAt, from.Value), Min(r.DeletedAt ?? end, end), record,
                ResidencyFlags.Of(jurisdiction, allowed, record, placedOnChain: record.Site is not null)));
        }

        return Result<ResidencyReport>.Ok(new ResidencyReport(tenantId!, from.Value, end, now, read.ChainId, read.Registry, read.Block, lines));
    }

    /// <summary>The tenant's resources that existed during the period: created before its end, not deleted before its start.</summary>
    private async Task<List<Resource>> PresentAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var found = new List<Resource>();
        long? before = null;
        while (true)
        {
            var page = await resources.ListResourcesAsync(new ResourceQuery(TenantId: tenantId, Before: before, Limit: PageSize), cancellationToken).ConfigureAwait(false);
            found.AddRange(page.Items.Where(r => r.CreatedAt < to && (r.DeletedAt is null || r.DeletedAt >= from)));
            if (page.NextBefore is not { } next)
            {
                break;
            }

            before = next;
        }

        return [.. found.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
