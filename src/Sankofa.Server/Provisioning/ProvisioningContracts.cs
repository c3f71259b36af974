using Sankofa.Core.Ledger;
using Sankofa.Core.Placement;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;

namespace Sankofa.Server.Provisioning;

/// <summary>A new size for a running VM (PATCH): the fields given replace the spec's; at least one.</summary>
/// <param name="Vcpu">Virtual CPUs.</param>
/// <param name="RamMiB">Memory in MiB.</param>
/// <param name="DiskGiB">Disk in GiB; disks only grow.</param>
public sealed record ResizeRequestBody(int? Vcpu, long? RamMiB, long? DiskGiB)
{
    internal ResizeRequest ToRequest() => new(Vcpu, RamMiB, DiskGiB);
}

/// <summary>Body of <c>POST /api/v1/resources</c> and <c>POST /api/v1/placements</c>.</summary>
/// <param name="ProjectId">The project it counts against (optional for a placement preview).</param>
/// <param name="Name">The VM's name, a DNS label.</param>
/// <param name="Vcpu">Virtual CPUs.</param>
/// <param name="RamMiB">Memory in MiB.</param>
/// <param name="DiskGiB">Disk in GiB.</param>
/// <param name="Template">Template name, e.g. <c>debian-12-cloud</c>.</param>
/// <param name="SshKeys">OpenSSH public keys.</param>
/// <param name="CloudInitUser">cloud-init user.</param>
/// <param name="Tier">core, regional or edge.</param>
/// <param name="UserLocation">Where the users are.</param>
/// <param name="MaxRttMs">Latency target from the user location.</param>
/// <param name="AllowedJurisdictions">Data residency: allowed ISO 3166-1 alpha-2 codes.</param>
/// <param name="AntiAffinityGroup">Keep apart from this group's other VMs.</param>
/// <param name="AntiAffinityScope">host (default) or site.</param>
/// <param name="SiteId">Pin to this site.</param>
/// <param name="RequireVerifiedHardware">Only hosts whose hardware custody has no gap nor failed inspection (docs/hardware.md).</param>
public sealed record ResourceRequestBody(
    string? ProjectId, string? Name, int? Vcpu, long? RamMiB, long? DiskGiB, string? Template,
    IReadOnlyList<string>? SshKeys, string? CloudInitUser, SiteTier? Tier, LocationBody? UserLocation, double? MaxRttMs,
    IReadOnlyList<string>? AllowedJurisdictions, string? AntiAffinityGroup, AntiAffinityScope? AntiAffinityScope, string? SiteId, bool? RequireVerifiedHardware = null)
{
    internal ResourceRequest ToRequest() => new(
        ProjectId, Name, Vcpu ?? 0, RamMiB ?? 0, DiskGiB ?? 0, Template, SshKeys, CloudInitUser, Tier,
        UserLocation is { } l ? new GeoPoint(l.Latitude ?? double.NaN, l.Longitude ?? double.NaN) : null,
        MaxRttMs, AllowedJurisdictions, AntiAffinityGroup, AntiAffinityScope ?? Core.Placement.AntiAffinityScope.Host, SiteId, RequireVerifiedHardware ?? false);

    /// <summary>Fields that must be present, named as the body spells them.</summary>
    internal Dictionary<string, string[]> Missing()
    {
        var errors = new Dictionary<string, string[]>();
        if (Vcpu is null)
        {
            errors["vcpu"] = ["Required."];
        }

        if (RamMiB is null)
        {
            errors["ramMiB"] = ["Required."];
        }

        if (DiskGiB is null)
        {
            errors["diskGiB"] = ["Required."];
        }

        if (UserLocation is { } l && (l.Latitude is null || l.Longitude is null))
        {
            errors["userLocation"] = ["Needs latitude and longitude."];
        }

        return errors;
    }
}

/// <summary>A point on Earth.</summary>
/// <param name="Latitude">−90..90.</param>
/// <param name="Longitude">−180..180.</param>
public sealed record LocationBody(double? Latitude, double? Longitude);

/// <summary>A resource as the API shows it.</summary>
/// <param name="Id">Resource id (also the key on chain and the mark on the VM).</param>
/// <param name="TenantId">Tenant.</param>
/// <param name="ProjectId">Project.</param>
/// <param name="Name">VM name.</param>
/// <param name="Spec">What the VM is.</param>
/// <param name="SpecHash">SHA-256 of the spec's canonical encoding, as recorded on chain.</param>
/// <param name="Desired">present or absent.</param>
/// <param name="Status">Lifecycle state.</param>
/// <param name="FailureReason">Why it failed.</param>
/// <param name="Placement">Where it went and why, with the rejected candidates.</param>
/// <param name="Vm">The VM on the site's hypervisor, once cloned.</param>
/// <param name="CreatedAt">Accepted at.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="VerifiedAt">Verified at.</param>
/// <param name="DeletedAt">Deleted at.</param>
/// <param name="Replayed">True when an earlier request with the same Idempotency-Key created it.</param>
/// <param name="Events">History, oldest first (one resource only).</param>
/// <param name="OnChain">What the chain holds (one resource only).</param>
/// <param name="OnChainError">Why the chain could not be read, when it could not.</param>
public sealed record ResourceResponse(
    string Id, string TenantId, string ProjectId, string Name, SpecResponse Spec, string SpecHash, DesiredState Desired, ResourceStatus Status,
    string? FailureReason, PlacementExplanation Placement, VmResponse? Vm, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? VerifiedAt, DateTimeOffset? DeletedAt, bool? Replayed = null, IReadOnlyList<EventResponse>? Events = null,
    OnChainResponse? OnChain = null, string? OnChainError = null);

/// <summary>A resource's spec.</summary>
/// <param name="Vcpu">Virtual CPUs.</param>
/// <param name="RamMiB">Memory in MiB.</param>
/// <param name="DiskGiB">Disk in GiB.</param>
/// <param name="Template">Template.</param>
/// <param name="SshKeys">SSH keys.</param>
/// <param name="CloudInitUser">cloud-init user.</param>
public sealed record SpecResponse(int Vcpu, long RamMiB, long DiskGiB, string Template, IReadOnlyList<string> SshKeys, string? CloudInitUser);

/// <summary>Where the VM runs.</summary>
/// <param name="Site">Site (cluster).</param>
/// <param name="Node">Hypervisor node.</param>
/// <param name="VmId">Cluster-wide VM id.</param>
public sealed record VmResponse(string Site, string Node, int VmId);

/// <summary>One history entry.</summary>
/// <param name="Time">When.</param>
/// <param name="Status">Status after it.</param>
/// <param name="Kind">What, dotted.</param>
/// <param name="Message">In words.</param>
public sealed record EventResponse(DateTimeOffset Time, ResourceStatus Status, string Kind, string Message);

/// <summary>The chain's record of a resource (ResourceRegistry), hashes as 0x hex.</summary>
/// <param name="State">none, requested, placed, provisioned or deleted.</param>
/// <param name="SpecHash">Spec hash recorded at request.</param>
/// <param name="Site">keccak-256 of the site id.</param>
/// <param name="Host">keccak-256 of the host id.</param>
/// <param name="ControlPlaneAttestation">Spec hash the control plane attested.</param>
/// <param name="SiteAttestation">Spec hash the site attested with its own key.</param>
/// <param name="UpdatedBlock">Block of the last transition.</param>
/// <param name="Verified">Provisioned, and both attestations equal the requested spec hash.</param>
/// <param name="ReadAtBlock">
/// The block whose state this was read at (the head when read: <c>eth_call</c> at that block answers the same), or null
/// when it was read at the chain's latest state without naming a block.
/// </param>
public sealed record OnChainResponse(
    OnChainResourceState State, string SpecHash, string Site, string Host, string ControlPlaneAttestation, string SiteAttestation, long UpdatedBlock, bool Verified,
    long? ReadAtBlock = null);

/// <summary>A page of resources.</summary>
/// <param name="Items">In the order asked for (newest first by default).</param>
/// <param name="Next">In the default order only, the cursor for the next page as a number (pass as <c>before</c>); null on the last.</param>
/// <param name="NextCursor">The cursor for the next page in any order (pass as <c>cursor</c>, with the same sort and order); null on the last.</param>
public sealed record ResourcePageResponse(IReadOnlyList<ResourceResponse> Items, long? Next, string? NextCursor = null)
{
    internal static ResourcePageResponse From(ResourcePage page) => new([.. page.Items.Select(r => r.ToResponse())], page.NextBefore, page.Next?.ToString());
}

/// <summary>A resource's metered usage.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="Totals">Sum over all hours.</param>
/// <param name="Hours">Per clock hour (UTC), oldest first.</param>
public sealed record UsageResponse(string ResourceId, UsageTotals Totals, IReadOnlyList<UsageHour> Hours);

/// <summary>Usage amounts.</summary>
/// <param name="Seconds">Seconds metered.</param>
/// <param name="VcpuHours">vCPU-hours.</param>
/// <param name="RamGbHours">GB-RAM-hours.</param>
/// <param name="DiskGbHours">GB-disk-hours.</param>
public sealed record UsageTotals(double Seconds, double VcpuHours, double RamGbHours, double DiskGbHours);

/// <summary>One hour of usage.</summary>
/// <param name="HourStart">Start of the hour.</param>
/// <param name="Seconds">Seconds of it metered.</param>
/// <param name="VcpuHours">vCPU-hours.</param>
/// <param name="RamGbHours">GB-RAM-hours.</param>
/// <param name="DiskGbHours">GB-disk-hours.</param>
public sealed record UsageHour(DateTimeOffset HourStart, double Seconds, double VcpuHours, double RamGbHours, double DiskGbHours);

/// <summary>A project's metered usage per hour, summed over its resources.</summary>
/// <param name="ProjectId">The project.</param>
/// <param name="From">First hour included.</param>
/// <param name="To">End of the range (exclusive).</param>
/// <param name="Totals">Sum over the range.</param>
/// <param name="Hours">Hours with usage (UTC), oldest first.</param>
public sealed record ProjectUsageResponse(string ProjectId, DateTimeOffset From, DateTimeOffset To, UsageTotals Totals, IReadOnlyList<ProjectUsageHour> Hours);

/// <summary>One hour of a project's usage.</summary>
/// <param name="HourStart">Start of the hour.</param>
/// <param name="Resources">Resources metered in it.</param>
/// <param name="Seconds">Resource-seconds metered.</param>
/// <param name="VcpuHours">vCPU-hours.</param>
/// <param name="RamGbHours">GB-RAM-hours.</param>
/// <param name="DiskGbHours">GB-disk-hours.</param>
public sealed record ProjectUsageHour(DateTimeOffset HourStart, int Resources, double Seconds, double VcpuHours, double RamGbHours, double DiskGbHours);

/// <summary>Maps domain records to API shapes.</summary>
internal static class ProvisioningMapping
{
    public static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    public static ResourceResponse ToResponse(this Resource r, bool? replayed = null) => new(
        r.Id, r.TenantId, r.ProjectId, r.Name,
        new SpecResponse(r.Spec.VCpu, r.Spec.RamMiB, r.Spec.DiskGiB, r.Spec.Template, r.Spec.SshKeys, r.Spec.CloudInitUser),
        Hex(r.SpecHash), r.Desired, r.Status, r.FailureReason, r.Placement,
        r.Vm is { } vm ? new VmResponse(r.Placement.SiteId, vm.Node, vm.VmId) : null,
        r.CreatedAt, r.UpdatedAt, r.VerifiedAt, r.DeletedAt, replayed);

    public static OnChainResponse ToResponse(this OnChainResource c) => new(
        c.State, Hex(c.SpecHash), Hex(c.Site), Hex(c.Host), Hex(c.ControlPlaneAttestation), Hex(c.SiteAttestation),
        c.UpdatedBlock, c.Verified);

    public static EventResponse ToResponse(this ResourceEvent e) => new(e.Time, e.Status, e.Kind, e.Message);

    public static object Quota(QuotaRefusal r) => new
    {
        scope = r.Scope.ToString().ToLowerInvariant(), scopeId = r.ScopeId, quota = r.Quota, requested = r.Requested, limit = r.Limit, used = r.Used, remaining = r.Remaining,
    };
}
