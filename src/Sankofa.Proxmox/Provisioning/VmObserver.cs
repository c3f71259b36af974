using System.Globalization;
using Sankofa.Core.Provisioning;
using Sankofa.Proxmox.Api;

namespace Sankofa.Proxmox.Provisioning;

/// <summary>
/// Reads what a VM is from its hypervisor, as a site attests it: cores, memory, the boot disk's size, the cloud-init user
/// and SSH keys, from the VM's own configuration rather than anyone's records. Proxmox keeps no record of which template
/// a full clone came from, so the template is the requested one, checked to exist as a template on the cluster. The one
/// implementation used by the site agent and by the control plane's stand-in for sites without one.
/// </summary>
public sealed class VmObserver(ProxmoxClient client, TimeProvider? time = null)
{
    // Listing every VM of the cluster per observation cost more than the attestation; operators add templates rarely.
    private static readonly TimeSpan TemplateListAge = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private volatile TemplateList? _templates;

    /// <summary>The spec of what <paramref name="vm"/> is now, to hash with <see cref="SpecHash.Of"/>.</summary>
    /// <param name="vm">The VM.</param>
    /// <param name="resourceId">The resource the VM must carry (<see cref="ResourceMarker"/>).</param>
    /// <param name="requestedTemplate">The template the resource asked for; observed as itself only when the cluster holds a template of that name.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="ProvisioningException">The VM does not exist or carries another resource id (<see cref="ProvisioningFailure.NotFound"/>), or the hypervisor failed.</exception>
    public async Task<ResourceSpec> ObserveAsync(VirtualMachineRef vm, string resourceId, string requestedTemplate, CancellationToken cancellationToken = default)
    {
        var config = await client.GetConfigAsync(vm.Node, vm.VmId, cancellationToken).ConfigureAwait(false);
        if (ResourceMarker.Read(config.GetValueOrDefault("description")) != resourceId)
        {
            throw new ProvisioningException(ProvisioningFailure.NotFound, $"VM {vm} on {client.ClusterId} does not carry resource id {resourceId}.");
        }

        var template = (await TemplatesAsync(cancellationToken).ConfigureAwait(false)).Contains(requestedTemplate)
            ? requestedTemplate
            : "(no such template on " + client.ClusterId + ")";
        var sshKeys = config.TryGetValue("sshkeys", out var encoded) ? Uri.UnescapeDataString(encoded).Split('\n') : [];
        return new ResourceSpec(
            Int(config, "cores"),
            Int(config, "memory"),
            config.TryGetValue("scsi0", out var disk) ? ProxmoxVolumes.SizeInGigabytes(disk) ?? 0 : 0,
            template,
            SpecHash.Normalize(sshKeys),
            config.GetValueOrDefault("ciuser"));
    }

    private async Task<IReadOnlySet<string>> TemplatesAsync(CancellationToken cancellationToken)
    {
        if (_templates is { } known && _time.GetUtcNow() - known.ReadAt < TemplateListAge)
        {
            return known.Names;
        }

        var resources = await client.GetVmResourcesAsync(cancellationToken).ConfigureAwait(false);
        var names = resources.Where(r => r.IsTemplate && r.Name is not null).Select(r => r.Name!).ToHashSet(StringComparer.Ordinal);
        _templates = new TemplateList(names, _time.GetUtcNow());
        return names;
    }

    private static int Int(IReadOnlyDictionary<string, string> config, string key) =>
        config.TryGetValue(key, out var value) && int.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private sealed record TemplateList(IReadOnlySet<string> Names, DateTimeOffset ReadAt);
}
