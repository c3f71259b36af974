using System.Text.Json.Serialization;

namespace Sankofa.Proxmox.Api;

/// <summary>A node as <c>GET /nodes</c> lists it.</summary>
public sealed record ProxmoxNode(
    [property: JsonPropertyName("node")] string Node,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("maxcpu")] int? MaxCpu,
    [property: JsonPropertyName("maxmem")] long? MaxMemory,
    [property: JsonPropertyName("mem")] long? Memory,
    [property: JsonPropertyName("uptime")] long? Uptime);

/// <summary>A VM as <c>GET /cluster/resources?type=vm</c> lists it.</summary>
public sealed record ProxmoxVmResource(
    [property: JsonPropertyName("vmid")] int VmId,
    [property: JsonPropertyName("node")] string Node,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("template")] int? Template,
    [property: JsonPropertyName("tags")] string? Tags,
    [property: JsonPropertyName("lock")] string? Lock,
    [property: JsonPropertyName("maxcpu")] int? MaxCpu,
    [property: JsonPropertyName("maxmem")] long? MaxMemory)
{
    /// <summary>Whether this is a template.</summary>
    public bool IsTemplate => Template == 1;
}

/// <summary>A VM's <c>status/current</c>.</summary>
public sealed record ProxmoxVmStatus(
    [property: JsonPropertyName("vmid")] int VmId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("qmpstatus")] string? QmpStatus,
    [property: JsonPropertyName("lock")] string? Lock,
    [property: JsonPropertyName("cpus")] double? Cpus,
    [property: JsonPropertyName("maxmem")] long? MaxMemory,
    [property: JsonPropertyName("uptime")] long? Uptime,
    [property: JsonPropertyName("tags")] string? Tags);

/// <summary>A worker task's status (<c>/nodes/{node}/tasks/{upid}/status</c>).</summary>
public sealed record ProxmoxTaskStatus(
    [property: JsonPropertyName("upid")] string Upid,
    [property: JsonPropertyName("node")] string Node,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("exitstatus")] string? ExitStatus)
{
    /// <summary>Whether the task has finished (Proxmox: status <c>stopped</c>).</summary>
    public bool Finished => Status == "stopped";

    /// <summary>Whether the task finished with exit status OK.</summary>
    public bool Succeeded => Finished && ExitStatus == "OK";
}

/// <summary>Parameters of <c>POST /nodes/{node}/qemu/{vmid}/clone</c> besides the source.</summary>
/// <param name="NewId">The new VM's id.</param>
public sealed record ProxmoxCloneOptions(int NewId)
{
    /// <summary>The new VM's name (a DNS name).</summary>
    public string? Name { get; init; }

    /// <summary>The new VM's description (Sankofa carries its resource id here).</summary>
    public string? Description { get; init; }

    /// <summary>Full copy (true) or linked clone (false); null: Proxmox's default.</summary>
    public bool? Full { get; init; }

    /// <summary>Target node; null: the source's node.</summary>
    public string? Target { get; init; }

    /// <summary>Target storage for full clones.</summary>
    public string? Storage { get; init; }

    /// <summary>Resource pool for the new VM.</summary>
    public string? Pool { get; init; }
}

/// <summary>A configuration change (<c>/nodes/{node}/qemu/{vmid}/config</c>); null fields are left unchanged.</summary>
public sealed record ProxmoxConfigChange
{
    /// <summary>Cores per socket.</summary>
    public int? Cores { get; init; }

    /// <summary>Memory in MiB.</summary>
    public int? MemoryMegabytes { get; init; }

    /// <summary>VM name.</summary>
    public string? Name { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Tags (Proxmox joins them with ';').</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>cloud-init user.</summary>
    public string? CloudInitUser { get; init; }

    /// <summary>cloud-init SSH public keys; sent percent-encoded, one per line, as Proxmox requires.</summary>
    public IReadOnlyList<string>? SshKeys { get; init; }

    /// <summary>cloud-init network of net0: <c>ip=dhcp</c> or <c>ip=CIDR,gw=IP</c>.</summary>
    public string? IpConfig0 { get; init; }

    /// <summary>Settings to remove.</summary>
    public IReadOnlyList<string>? Delete { get; init; }

    /// <summary>Only apply if the config still has this digest (from a previous read).</summary>
    public string? Digest { get; init; }
}
