using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sankofa.Core.Audit;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Placement;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Provisioning;

/// <summary>
/// The application layer of provisioning: validates a request, checks quotas, places it and stores it with its audit
/// entry in one transaction; the reconciler does the rest. Placement decisions are taken one at a time on
/// <see cref="FleetCapacity"/>, which reserves the host's room before the next decision, so two requests in this process
/// never take the same room; the store takes the quota atomically, so no request overdraws it on any server.
/// </summary>
public sealed partial class ProvisioningService
{
    private const int ConflictRetries = 5;

    private readonly IResourceStore _store;
    private readonly IHostVerification? _hosts;
    private readonly ITenantStore _tenants;
    private readonly IProjectStore _projects;
    private readonly PlacementEngine _engine;
    private readonly FleetCapacity _capacity;
    private readonly ProvisioningOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    /// <param name="store">Where resources live.</param>
    /// <param name="tenants">Where tenants live.</param>
    /// <param name="projects">Where projects live.</param>
    /// <param name="engine">The placement engine over the fleet's catalog.</param>
    /// <param name="capacity">The fleet's health and allocations as placement sees them.</param>
    /// <param name="options">Templates and limits.</param>
    /// <param name="time">The clock.</param>
    /// <param name="hosts">Answers which hosts' hardware custody has a gap, for <see cref="ResourceRequest.RequireVerifiedHardware"/>; without it such requests are refused.</param>
    public ProvisioningService(
        IResourceStore store, ITenantStore tenants, IProjectStore projects, PlacementEngine engine, FleetCapacity capacity, ProvisioningOptions options, TimeProvider time,
        IHostVerification? hosts = null)
    {
        _hosts = hosts;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _tenants = tenants ?? throw new ArgumentNullException(nameof(tenants));
        _projects = projects ?? throw new ArgumentNullException(nameof(projects));
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _capacity = capacity ?? throw new ArgumentNullException(nameof(capacity));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>
    /// Where the request would go now and why, without creating anything. With a project (which the caller must be
    /// allowed to read resources of), its quotas are checked too.
    /// </summary>
    public async Task<Result<PlacementExplanation>> ExplainAsync(Caller caller, ResourceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var errors = Validate(request, requireProject: false);
        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        string? tenantId = null;
        if (request.ProjectId is not null)
        {
            var owners = await OwnersAsync(caller, Permission.ResourcesRead, request.ProjectId, cancellationToken).ConfigureAwait(false);
            if (owners.Error is { } missing)
            {
                return missing;
            }

            tenantId = owners.Value.Tenant.Id;

            var quota = QuotaPolicy.ReserveVms(owners.Value.Tenant, owners.Value.Project, Size(request));
            if (!quota.IsGranted)
            {
                return new QuotaExceededError(quota.Refusals);
            }
        }

        var placed = await PlaceAsync(request, tenantId, reserveFor: null, cancellationToken).ConfigureAwait(false);
        return placed.Error is { } error ? error : Result<PlacementExplanation>.Ok(PlacementExplanation.From(placed.Value!, request.AntiAffinityGroup));
    }

    /// <summary>
    /// Accepts a request: validated, within quota, placed, and stored as Requested with its audit entry. With an
    /// idempotency key already used in the project for the same request, answers the resource created then. The
    /// caller must hold <see cref="Permission.ResourcesWrite"/> in the project's tenant; a project of a tenant it cannot
    /// see is answered as one that does not exist.
    /// </summary>
    public async Task<Result<ResourceAccepted>> CreateAsync(
        string actor, Caller caller, ResourceRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var errors = Validate(request, requireProject: true);
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > 200 || idempotencyKey.Any(char.IsControl)))
        {
            errors["Idempotency-Key"] = ["Must be 1–200 printable characters."];
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var spec = SpecOf(request);
        var specHash = SpecHash.Of(spec);
        for (var attempt = 1; ; attempt++)
        {
            var owners = await OwnersAsync(caller, Permission.ResourcesWrite, request.ProjectId!, cancellationToken).ConfigureAwait(false);
            if (owners.Error is { } missing)
            {
                return missing;
            }

            var (tenant, project) = owners.Value;
            if (idempotencyKey is not null && await _store.FindByIdempotencyKeyAsync(project.Id, idempotencyKey, cancellationToken).ConfigureAwait(false) is { } earlier)
            {
                return earlier.SpecHash.AsSpan().SequenceEqual(specHash) && earlier.Name == request.Name
                    ? Result<ResourceAccepted>.Ok(new ResourceAccepted(earlier, Replayed: true))
                    : Error.Conflict("Idempotency-Key", $"Idempotency-Key '{idempotencyKey}' was used for another request (resource {earlier.Id}).");
            }

            // Decided here to explain a refusal; the store takes the quota atomically, so concurrent requests cannot overdraw it.
            var quota = QuotaPolicy.ReserveVms(tenant, project, spec.Size);
            if (!quota.IsGranted)
            {
                return new QuotaExceededError(quota.Refusals);
            }

            var id = NewId();
            Result<PlacementDecision> placed;
            using (var span = ProvisioningTracing.Source.StartActivity("placement"))
            {
                span?.SetTag(ProvisioningTracing.ResourceAttribute, id);
                placed = await PlaceAsync(request, tenant.Id, reserveFor: id, cancellationToken).ConfigureAwait(false);
                span?.SetTag("sankofa.placement.site", placed.Value?.Site.Id);
                span?.SetTag("sankofa.placement.host", placed.Value?.Host.Id);
                if (placed.Error is { } refusal)
                {
                    span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, refusal.Message);
                }
            }

            if (placed.Error is { } unplaced)
            {
                return unplaced;
            }

            var now = _time.GetUtcNow();
            var explanation = PlacementExplanation.From(placed.Value!, request.AntiAffinityGroup) with
            {
                AllowedJurisdictions = request.AllowedJurisdictions is { } allowed ? [.. allowed.Order(StringComparer.Ordinal)] : null,
            };
            var resource = new Resource(
                id, 0, tenant.Id, project.Id, request.Name!, spec, specHash, DesiredState.Present, ResourceStatus.Requested, null,
                explanation, null, 0, now, now, now, null, null, null, idempotencyKey, 0);
            var payload = JsonSerializer.Serialize(new
            {
                tenantId = tenant.Id,
                projectId = project.Id,
                name = resource.Name,
                spec = new { vcpu = spec.VCpu, ramMiB = spec.RamMiB, diskGiB = spec.DiskGiB, template = spec.Template, sshKeys = spec.SshKeys.Count, cloudInitUser = spec.CloudInitUser },
                specHash = "0x" + Convert.ToHexStringLower(specHash),
                site = explanation.SiteId,
                host = explanation.HostId,
                reason = explanation.Reason,
            });
            // Before the write: the reconciler may take the resource as soon as it is stored, and its first round must
            // find the request to continue its trace.
            ProvisioningTracing.HandOver(id);
            try
            {
                var stored = await _store.CreateResourceAsync(
                    resource,
                    new NewResourceEvent("resource.requested", $"Requested by {actor}; placed on {explanation.SiteId}/{explanation.HostId}: {explanation.Reason}"),
                    new AuditEvent(actor, "provisioning.resource.requested", "resource:" + resource.Id, payload),
                    cancellationToken).ConfigureAwait(false);
                _capacity.Stored(id);
                return Result<ResourceAccepted>.Ok(new ResourceAccepted(stored, Replayed: false));
            }
            catch (Exception ex)
            {
                ProvisioningTracing.Withdraw(id);
                _capacity.Release(resource.Allocation);
                if (ex is not StoreConflictException || attempt >= ConflictRetries)
                {
                    throw;
                }

                // The quota ran out or the key was taken meanwhile: read again and decide again.
            }
        }
    }

    /// <summary>
    /// Asks for a resource to be deleted; the reconciler removes the VM and records it on chain. Repeating is harmless.
    /// The caller must hold <see cref="Permission.ResourcesWrite"/> in the resource's tenant.
    /// </summary>
    public async Task<Result<Resource>> DeleteAsync(string actor, Caller caller, string resourceId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentNullException.ThrowIfNull(caller);
        for (var attempt = 1; ; attempt++)
        {
            var writable = await WritableAsync(caller, resourceId, cancellationToken).ConfigureAwait(false);
            if (writable.Error is { } refused)
            {
                return refused;
            }

            var resource = writable.Value!;

            if (resource.Desired == DesiredState.Absent)
            {
                return Result<Resource>.Ok(resource);
            }

            var now = _time.GetUtcNow();
            // A failed resource was already rolled back (no VM, capacity and quota released): nothing is left to remove.
            var updated = resource.Status == ResourceStatus.Failed
                ? resource with { Desired = DesiredState.Absent, Status = ResourceStatus.Deleted, DeletedAt = now, UpdatedAt = now }
                : resource with { Desired = DesiredState.Absent, Attempts = 0, NextAttemptAt = now, UpdatedAt = now };
            ProvisioningTracing.HandOver(resource.Id); // before the write, as for a creation
            try
            {
                var stored = await _store.UpdateResourceAsync(
                    updated,
                    new NewResourceEvent("resource.delete-requested", $"Deletion requested by {actor}."),
                    new AuditEvent(actor, "provisioning.resource.delete-requested", "resource:" + resource.Id, JsonSerializer.Serialize(new { status = resource.Status.ToString() })),
                    null,
                    cancellationToken).ConfigureAwait(false);
                return Result<Resource>.Ok(stored);
            }
            catch (StoreConflictException) when (attempt < ConflictRetries)
            {
                // The reconciler moved it meanwhile; read again.
            }
        }
    }

    /// <summary>
    /// Gives a running VM a new size: validated, within quota, within its host's room, and stored as Resizing with the
    /// usage of the old size metered up to now, in one transaction; the reconciler records the new spec on chain and
    /// has the VM changed in place (restarted when its CPU or memory change) until both attest the new spec. The VM
    /// must have been Verified; a resize while another is under way replaces it. Asking for the size it has is
    /// harmless. The caller must hold <see cref="Permission.ResourcesWrite"/> in the resource's tenant.
    /// </summary>
    public async Task<Result<Resource>> ResizeAsync(string actor, Caller caller, string resourceId, ResizeRequest request, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        if (request is { VCpu: null, RamMiB: null, DiskGiB: null })
        {
            foreach (var field in (string[])["vcpu", "ramMiB", "diskGiB"])
            {
                errors[field] = ["Give at least one of vcpu, ramMiB and diskGiB."];
            }
        }

        Range(errors, "vcpu", request.VCpu, _options.MaxVCpu, "vCPU");
        Range(errors, "ramMiB", request.RamMiB, _options.MaxRamMiB, "MiB");
        Range(errors, "diskGiB", request.DiskGiB, _options.MaxDiskGiB, "GiB");
        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        for (var attempt = 1; ; attempt++)
        {
            var writable = await WritableAsync(caller, resourceId, cancellationToken).ConfigureAwait(false);
            if (writable.Error is { } refused)
            {
                return refused;
            }

            var resource = writable.Value!;

            var old = resource.Spec;
            var spec = old with { VCpu = request.VCpu ?? old.VCpu, RamMiB = request.RamMiB ?? old.RamMiB, DiskGiB = request.DiskGiB ?? old.DiskGiB };
            if (spec.DiskGiB < old.DiskGiB)
            {
                return Error.Of(ErrorKind.Invalid, "diskGiB", $"Disks only grow: the disk is {old.DiskGiB} GiB; ask for {old.DiskGiB} or more.");
            }

            if (resource.Desired == DesiredState.Absent || resource.Status is ResourceStatus.Deleting or ResourceStatus.Deleted or ResourceStatus.Failed)
            {
                return Error.Conflict("id", $"Resource {resource.Id} is {Lower(resource.Status)}{(resource.Desired == DesiredState.Absent ? " and to be deleted" : string.Empty)}; only a running VM can be resized.");
            }

            var specHash = SpecHash.Of(spec);
            if (specHash.AsSpan().SequenceEqual(resource.SpecHash))
            {
                return Result<Resource>.Ok(resource); // the size it has (or is being given): nothing to do
            }

            if (resource.VerifiedAt is null)
            {
                return Error.Conflict("id", $"Resource {resource.Id} is {Lower(resource.Status)} and was never Verified; resize it once it runs.");
            }

            var change = (ResourceTotals.ForVms(spec.Size) - ResourceTotals.ForVms(old.Size)) with { Vms = 0 };
            var growth = new ResourceTotals(Math.Max(0, change.VCpu), Math.Max(0, change.RamMiB), Math.Max(0, change.DiskGiB), 0);
            var owners = await OwnersAsync(caller, Permission.ResourcesWrite, resource.ProjectId, cancellationToken).ConfigureAwait(false);
            if (owners.Error is { } gone)
            {
                return gone;
            }

            if (QuotaPolicy.Reserve(owners.Value.Tenant, owners.Value.Project, growth) is { IsGranted: false } quota)
            {
                return new QuotaExceededError(quota.Refusals);
            }

            if (await _capacity.ResizeAsync(resource.Allocation, spec.Size, cancellationToken).ConfigureAwait(false) is { } free)
            {
                return HostFull(resource, spec.Size, free);
            }

            var now = _time.GetUtcNow();
            var (usage, meteredUntil) = UsageMeter.Meter(resource, now);
            var resized = resource with
            {
                Spec = spec, SpecHash = specHash, Status = ResourceStatus.Resizing, FailureReason = null, Attempts = 0, NextAttemptAt = now, UpdatedAt = now,
                MeteredUntil = meteredUntil,
            };
            var payload = JsonSerializer.Serialize(new
            {
                from = new { vcpu = old.VCpu, ramMiB = old.RamMiB, diskGiB = old.DiskGiB, specHash = "0x" + Convert.ToHexStringLower(resource.SpecHash) },
                to = new { vcpu = spec.VCpu, ramMiB = spec.RamMiB, diskGiB = spec.DiskGiB, specHash = "0x" + Convert.ToHexStringLower(specHash) },
                status = resource.Status.ToString(),
            });
            ProvisioningTracing.HandOver(resource.Id); // before the write, as for a creation
            try
            {
                var stored = await _store.ResizeResourceAsync(
                    resized, usage, resource.MeteredUntil, change,
                    new NewResourceEvent("resource.resize-requested",
                        $"Resize requested by {actor}: {old.VCpu} → {spec.VCpu} vCPU, {old.RamMiB} → {spec.RamMiB} MiB, {old.DiskGiB} → {spec.DiskGiB} GiB (usage of the old size metered up to now)."),
                    new AuditEvent(actor, "provisioning.resource.resize-requested", "resource:" + resource.Id, payload),
                    cancellationToken).ConfigureAwait(false);
                _capacity.Stored(resource.Id);
                return Result<Resource>.Ok(stored);
            }
            catch (Exception ex)
            {
                _capacity.Resize(resized.Allocation, old.Size);
                if (ex is not StoreConflictException)
                {
                    throw;
                }

                if (attempt >= ConflictRetries)
                {
                    return Error.Conflict("id", $"Resource {resource.Id} kept changing meanwhile; try again.");
                }

                // Changed, metered or out of quota meanwhile: read again and decide again.
            }
        }
    }

    /// <summary>The resource, when the caller may change it; another tenant's answers exactly as a missing one.</summary>
    private async Task<Result<Resource>> WritableAsync(Caller caller, string resourceId, CancellationToken cancellationToken)
    {
        var resource = await _store.GetResourceAsync(resourceId, cancellationToken).ConfigureAwait(false);
        var missing = Error.NotFound("id", $"There is no resource '{resourceId}'.");
        if (resource is null)
        {
            return missing;
        }

        return AccessErrors.Denied(caller, Permission.ResourcesWrite, resource.TenantId, missing) is { } denied ? denied : Result<Resource>.Ok(resource);
    }

    private static Error HostFull(Resource resource, ComputeResources size, ComputeResources free)
    {
        var fields = new Dictionary<string, string[]>();
        var host = resource.Placement.HostId;
        if (size.VCpu > free.VCpu)
        {
            fields["vcpu"] = [$"Host {host} has room for {free.VCpu} vCPU for this VM; asked for {size.VCpu}."];
        }

        if (size.RamMiB > free.RamMiB)
        {
            fields["ramMiB"] = [$"Host {host} has room for {free.RamMiB} MiB for this VM; asked for {size.RamMiB}."];
        }

        if (size.DiskGiB > free.DiskGiB)
        {
            fields["diskGiB"] = [$"Host {host} has room for {free.DiskGiB} GiB for this VM; asked for {size.DiskGiB}."];
        }

        return new Error(ErrorKind.NoCapacity, $"Host {host} of site {resource.Placement.SiteId} cannot take the VM at the new size (a resize keeps the VM on its host).", fields);
    }

    private async Task<Result<PlacementDecision>> PlaceAsync(ResourceRequest request, string? tenantId, string? reserveFor, CancellationToken cancellationToken)
    {
        var size = Size(request);
        IReadOnlyDictionary<string, string>? refused = null;
        if (request.RequireVerifiedHardware)
        {
            if (_hosts is null)
            {
                return Error.Invalid(new Dictionary<string, string[]> { ["requireVerifiedHardware"] = ["This control plane keeps no hardware custody records."] });
            }

            // Every host, not only a pinned site's: a failover decided on chain may move the VM to another site.
            refused = await _hosts.UnverifiedHostsAsync([.. _engine.Catalog.Sites.SelectMany(s => s.Hosts.Select(h => h.Id))], cancellationToken).ConfigureAwait(false);
        }

        PlacementRequest placement;
        if (request.SiteId is { } siteId)
        {
            var site = _engine.Catalog.Get(siteId);
            if (request.Tier is { } tier && tier != site.Tier)
            {
                return new Error(ErrorKind.ConflictingConstraints, $"Site {siteId} is a {Lower(site.Tier)} site, not {Lower(tier)}.",
                    new Dictionary<string, string[]> { ["siteId"] = [$"Site {siteId} is {Lower(site.Tier)}."], ["tier"] = [$"Asks for {Lower(tier)}."] });
            }

            if (request.AllowedJurisdictions is { } allowed && !allowed.Contains(site.Jurisdiction))
            {
                return new Error(ErrorKind.ConflictingConstraints, $"Site {siteId} is in {site.Jurisdiction}, which the residency rule does not allow.",
                    new Dictionary<string, string[]> { ["siteId"] = [$"Site {siteId} is in {site.Jurisdiction}."], ["allowedJurisdictions"] = [$"Does not include {site.Jurisdiction}."] });
            }

            placement = Pinned(site, size, request, tenantId) with { RefusedHosts = refused };
        }
        else
        {
            placement = new PlacementRequest(size, request.Tier, request.UserLocation, request.MaxRttMs, request.AllowedJurisdictions, request.AntiAffinityGroup, request.AntiAffinityScope, tenantId,
                refused);
        }

        return await _capacity.DecideAsync(state =>
        {
            var decided = Decide(request, placement, state);
            return (decided, decided.Value is { } d && reserveFor is not null ? new HostAllocation(reserveFor, d.Host.Id, size, request.AntiAffinityGroup, tenantId!) : null);
        }, cancellationToken).ConfigureAwait(false);
    }

    // Pinning is placement from the site itself with a latency target only the site meets (sites are far more than a few
    // km apart), so host choice, capacity and anti-affinity follow the engine's usual rules and explanations.
    private static PlacementRequest Pinned(Site site, ComputeResources size, ResourceRequest request, string? tenantId) =>
        new(size, site.Tier, site.Location, LatencyModel.Default.OverheadMs(site.Tier) + 0.1, [site.Jurisdiction], request.AntiAffinityGroup, request.AntiAffinityScope, tenantId);

    private Result<PlacementDecision> Decide(ResourceRequest request, PlacementRequest placement, FleetState state)
    {
        if (request.SiteId is { } pinnedId && state.GetFailover(pinnedId) is { } to)
        {
            return DecideFailedOver(request, placement, state, _engine.Catalog.Get(pinnedId), to);
        }

        var result = _engine.Place(placement, state);
        if (result.Error is { } error)
        {
            var mapped = PlacementRefusedError.From(error);
            return request.SiteId is { } pinned && mapped.Kind != ErrorKind.Invalid
                ? new PlacementRefusedError(ErrorKind.NoCapacity, $"Site {pinned} cannot take the VM now: {error.Message}",
                    new Dictionary<string, string[]> { ["siteId"] = [error.Message] }, mapped.Rejected)
                : mapped;
        }

        if (request.SiteId is { } wanted && result.Decision!.Site.Id != wanted)
        {
            return new Error(ErrorKind.NoCapacity, $"Site {wanted} cannot take the VM now.",
                new Dictionary<string, string[]> { ["siteId"] = [$"Site {wanted} is down or full."] });
        }

        return Result<PlacementDecision>.Ok(result.Decision!);
    }

    // A pinned site failed over by a decision on chain: its role, and so the VM, went to the site the decision names, as
    // long as the request's residency rule allows that site.
    private Result<PlacementDecision> DecideFailedOver(ResourceRequest request, PlacementRequest placement, FleetState state, Site from, Site to)
    {
        var detail = $"Site {from.Id} was failed over to {to.Id} by a decision on chain";
        if (request.AllowedJurisdictions is { } allowed && !allowed.Contains(to.Jurisdiction))
        {
            return new Error(ErrorKind.ConflictingConstraints, $"{detail}, which is in {to.Jurisdiction}: the residency rule does not allow it.",
                new Dictionary<string, string[]> { ["siteId"] = [$"{detail}."], ["allowedJurisdictions"] = [$"Does not include {to.Jurisdiction}."] });
        }

        var result = _engine.Place(Pinned(to, placement.Size, request, placement.TenantId) with { RefusedHosts = placement.RefusedHosts }, state);
        if (result.Decision is not { } decision)
        {
            return new Error(ErrorKind.NoCapacity, $"{detail}, and {to.Id} cannot take the VM now: {result.Error!.Message}",
                new Dictionary<string, string[]> { ["siteId"] = [$"{detail}; {to.Id} cannot take the VM now."] });
        }

        var failover = new PlacementFailover(from, false, $"{detail}; placed there.") { Decided = true };
        return Result<PlacementDecision>.Ok(decision with { Failover = failover, Reason = failover.Detail + " " + decision.Reason });
    }

    /// <summary>The project and its tenant, when the caller may do <paramref name="permission"/> there.</summary>
    private async Task<Result<(Tenant Tenant, Project Project)>> OwnersAsync(
        Caller caller, Permission permission, string projectId, CancellationToken cancellationToken)
    {
        var project = await _projects.GetProjectAsync(projectId, cancellationToken).ConfigureAwait(false);
        var missing = Error.NotFound("projectId", $"There is no project '{projectId}'.");
        if (project is null)
        {
            return missing;
        }

        if (AccessErrors.Denied(caller, permission, project.TenantId, missing) is { } denied)
        {
            return denied;
        }

        var tenant = await _tenants.GetTenantAsync(project.TenantId, cancellationToken).ConfigureAwait(false)
                     ?? throw new InvalidOperationException($"Project {project.Id} names tenant {project.TenantId}, which does not exist.");
        return Result<(Tenant, Project)>.Ok((tenant, project));
    }

    /// <summary>Field name → problems for a request; empty when it is acceptable.</summary>
    public Dictionary<string, string[]> Validate(ResourceRequest request, bool requireProject)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        if (requireProject && string.IsNullOrWhiteSpace(request.ProjectId))
        {
            errors["projectId"] = ["Required."];
        }

        if (requireProject || request.Name is not null)
        {
            if (string.IsNullOrEmpty(request.Name))
            {
                errors["name"] = ["Required."];
            }
            else if (!DnsLabel().IsMatch(request.Name))
            {
                errors["name"] = ["Must be a DNS label: lower-case letters, digits and dashes, 1–63 characters, not starting or ending with a dash."];
            }
        }

        Range(errors, "vcpu", request.VCpu, _options.MaxVCpu, "vCPU");
        Range(errors, "ramMiB", request.RamMiB, _options.MaxRamMiB, "MiB");
        Range(errors, "diskGiB", request.DiskGiB, _options.MaxDiskGiB, "GiB");
        if (string.IsNullOrWhiteSpace(request.Template))
        {
            errors["template"] = ["Required."];
        }
        else if (!_options.Templates.ContainsKey(request.Template))
        {
            errors["template"] = [$"Unknown template '{request.Template}'; known: {string.Join(", ", _options.Templates.Keys.Order(StringComparer.Ordinal))}."];
        }

        if (request.SshKeys?.Count > _options.MaxSshKeys)
        {
            errors["sshKeys"] = [$"At most {_options.MaxSshKeys} keys."];
        }

        for (var i = 0; i < Math.Min(request.SshKeys?.Count ?? 0, _options.MaxSshKeys); i++)
        {
            var key = request.SshKeys![i];
            if (key?.Length > _options.MaxSshKeyLength)
            {
                errors[$"sshKeys[{i}]"] = [$"At most {_options.MaxSshKeyLength} characters."];
            }
            else if (key is null || !SshKey().IsMatch(key.Trim()))
            {
                errors[$"sshKeys[{i}]"] = ["Must be one OpenSSH public key on one line, e.g. 'ssh-ed25519 AAAA… user@host'."];
            }
        }

        if (request.CloudInitUser is not null && !UserName().IsMatch(request.CloudInitUser))
        {
            errors["cloudInitUser"] = ["Must be a Linux user name: lower-case letters, digits, '_' and '-', starting with a letter or '_', at most 32 characters."];
        }

        if (request.SiteId is { } siteId)
        {
            if (_engine.Catalog.Find(siteId) is null)
            {
                errors["siteId"] = [$"Unknown site '{siteId}'."];
            }
            else if (request.UserLocation is not null || request.MaxRttMs is not null)
            {
                errors["siteId"] = ["A pinned site takes no userLocation or maxRttMs; give one or the other."];
            }
        }

        if (request.AntiAffinityGroup is { } group && (group.Length is 0 or > 200 || string.IsNullOrWhiteSpace(group)))
        {
            errors["antiAffinityGroup"] = ["Must be 1–200 characters, not blank."];
        }
        else if (request.AntiAffinityGroup is not null && string.IsNullOrWhiteSpace(request.ProjectId))
        {
            // A group is its tenant's own, and the project says which tenant.
            errors["projectId"] = ["Required with antiAffinityGroup: the group is the project's tenant's."];
        }

        return errors;
    }

    private static void Range(Dictionary<string, string[]> errors, string field, long? given, long max, string unit)
    {
        if (given is not { } value)
        {
            return;
        }

        if (value <= 0)
        {
            errors[field] = [$"Must be at least 1 (was {value})."];
        }
        else if (value > max)
        {
            errors[field] = [$"At most {max} {unit} (was {value})."];
        }
    }

    private static ResourceSpec SpecOf(ResourceRequest r) =>
        new(r.VCpu, r.RamMiB, r.DiskGiB, r.Template!, SpecHash.Normalize(r.SshKeys), r.CloudInitUser);

    private static ComputeResources Size(ResourceRequest r) => new(r.VCpu, r.RamMiB, r.DiskGiB);

    private static string Lower(SiteTier tier) => tier.ToString().ToLowerInvariant();

    private static string Lower(ResourceStatus status) => status.ToString().ToLowerInvariant();

    private static string NewId() => "vm-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/=]+( [^\r\n]*)?$")]
    private static partial Regex SshKey();

    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$")]
    private static partial Regex UserName();
}

/// <summary>A request the control plane accepted.</summary>
/// <param name="Resource">The resource as stored.</param>
/// <param name="Replayed">True when an earlier request with the same idempotency key created it.</param>
public sealed record ResourceAccepted(Resource Resource, bool Replayed);
