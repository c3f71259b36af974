using Sankofa.Core.Placement;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Provisioning;

/// <summary>A request for a VM: its spec and where it may go. Errors name these fields in camel case.</summary>
/// <param name="ProjectId">The project it counts against.</param>
/// <param name="Name">The VM's name: a DNS label (lower-case letters, digits, dashes; at most 63).</param>
/// <param name="VCpu">Virtual CPUs.</param>
/// <param name="RamMiB">Memory in MiB.</param>
/// <param name="DiskGiB">Disk in GiB.</param>
/// <param name="Template">Template name.</param>
/// <param name="SshKeys">Public SSH keys.</param>
/// <param name="CloudInitUser">cloud-init user.</param>
/// <param name="Tier">Only sites of this tier.</param>
/// <param name="UserLocation">Where the users are.</param>
/// <param name="MaxRttMs">Latency target from <paramref name="UserLocation"/>.</param>
/// <param name="AllowedJurisdictions">Data residency: allowed ISO 3166-1 alpha-2 codes.</param>
/// <param name="AntiAffinityGroup">Keep apart from the group's other VMs.</param>
/// <param name="AntiAffinityScope">Apart by host (default) or by site.</param>
/// <param name="SiteId">Pin to this site (then no latency target or location).</param>
/// <param name="RequireVerifiedHardware">Only hosts whose hardware custody has no gap nor failed inspection (docs/hardware.md).</param>
public sealed record ResourceRequest(
    string? ProjectId,
    string? Name,
    int VCpu,
    long RamMiB,
    long DiskGiB,
    string? Template,
    IReadOnlyList<string>? SshKeys = null,
    string? CloudInitUser = null,
    SiteTier? Tier = null,
    GeoPoint? UserLocation = null,
    double? MaxRttMs = null,
    IReadOnlyCollection<string>? AllowedJurisdictions = null,
    string? AntiAffinityGroup = null,
    AntiAffinityScope AntiAffinityScope = AntiAffinityScope.Host,
    string? SiteId = null,
    bool RequireVerifiedHardware = false);

/// <summary>
/// Which hosts' hardware custody cannot be trusted (docs/hardware.md), for placement with
/// <see cref="ResourceRequest.RequireVerifiedHardware"/>; implemented over the hardware store.
/// </summary>
public interface IHostVerification
{
    /// <summary>Of <paramref name="hostIds"/>, those whose custody has a gap or a failed inspection, each with why.</summary>
    Task<IReadOnlyDictionary<string, string>> UnverifiedHostsAsync(IReadOnlyCollection<string> hostIds, CancellationToken cancellationToken);
}
