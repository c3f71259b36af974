namespace Sankofa.Proxmox.Emulator;

/// <summary>Settings of an emulator instance: one loopback listener serving any number of emulated clusters.</summary>
public sealed class ProxmoxEmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1. Default 0: a free port chosen by the system.</summary>
    public int Port { get; set; }

    /// <summary>Serve HTTPS with a self-signed certificate generated at start (as a fresh Proxmox node does) instead of HTTP. Default false.</summary>
    public bool UseHttps { get; set; }

    /// <summary>The clusters to create at start; more can be added later with <see cref="ProxmoxEmulator.AddCluster"/>.</summary>
    public IList<EmulatedClusterOptions> Clusters { get; } = [];

    /// <summary>How long each kind of task runs before it finishes.</summary>
    public EmulatedTaskDurations TaskDurations { get; set; } = new();

    /// <summary>How long a login ticket stays valid. Default 2 hours, as in Proxmox.</summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Clock of the emulated clusters (task durations, ticket expiry, uptimes). Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Folder where each cluster's VMs are kept (<c>{id}.json</c>), so a restarted emulator (the next <c>sankofa up</c>)
    /// has the VMs the previous run created. Written every <see cref="StateSaveInterval"/> when something changed and on
    /// dispose. Null (default): state lives in memory only.
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>How often changed cluster state is written to <see cref="StateDirectory"/>. Default 2 seconds.</summary>
    public TimeSpan StateSaveInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Seed of the emulator's randomness (PIDs in UPIDs, generated secrets). Default: unseeded.</summary>
    public int? RandomSeed { get; set; }
}

/// <summary>How long emulated tasks run. Defaults are short but non-zero so callers must poll like against a real node.</summary>
public sealed class EmulatedTaskDurations
{
    /// <summary>qmclone. Default 2 seconds.</summary>
    public TimeSpan Clone { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>qmstart. Default 1 second.</summary>
    public TimeSpan Start { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>qmshutdown of a guest that complies. Default 1 second.</summary>
    public TimeSpan Shutdown { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>qmstop. Default 500 ms.</summary>
    public TimeSpan Stop { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>qmdestroy. Default 500 ms.</summary>
    public TimeSpan Destroy { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>resize. Default 200 ms.</summary>
    public TimeSpan Resize { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>qmconfig (asynchronous configuration update). Default 100 ms.</summary>
    public TimeSpan Config { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The same duration for every kind of task (handy in tests).</summary>
    public static EmulatedTaskDurations All(TimeSpan duration) => new()
    {
        Clone = duration, Start = duration, Shutdown = duration, Stop = duration, Destroy = duration, Resize = duration, Config = duration,
    };
}

/// <summary>One emulated Proxmox VE cluster.</summary>
public sealed class EmulatedClusterOptions
{
    /// <summary>Cluster id, part of its base URL: lower-case letters, digits and dashes.</summary>
    public required string Id { get; set; }

    /// <summary>Nodes of the cluster. Default: one node <c>pve</c> with 16 cores and 64 GiB.</summary>
    public IList<EmulatedNodeOptions> Nodes { get; } = [new EmulatedNodeOptions { Name = "pve" }];

    /// <summary>Templates present at start. Default: VM 9000 <c>debian-12-cloud</c> on the first node.</summary>
    public IList<EmulatedTemplateOptions> Templates { get; } = [new EmulatedTemplateOptions { VmId = 9000, Name = "debian-12-cloud" }];

    /// <summary>API token id (<c>USER@REALM!TOKENID</c>). Default <c>root@pam!sankofa</c>.</summary>
    public string TokenId { get; set; } = "root@pam!sankofa";

    /// <summary>The token's secret. Null (default): a random UUID, readable from <see cref="EmulatedCluster.TokenSecret"/>.</summary>
    public string? TokenSecret { get; set; }

    /// <summary>User for ticket login (<c>USER@REALM</c>). Default <c>root@pam</c>.</summary>
    public string Username { get; set; } = "root@pam";

    /// <summary>The user's password. Null (default): random, readable from <see cref="EmulatedCluster.Password"/>.</summary>
    public string? Password { get; set; }
}

/// <summary>One emulated node.</summary>
public sealed class EmulatedNodeOptions
{
    /// <summary>Node name.</summary>
    public required string Name { get; set; }

    /// <summary>CPU cores. Default 16.</summary>
    public int Cores { get; set; } = 16;

    /// <summary>Memory in bytes; starting a VM that does not fit fails. Default 64 GiB.</summary>
    public long MemoryBytes { get; set; } = 64L << 30;
}

/// <summary>A VM template present at start.</summary>
public sealed class EmulatedTemplateOptions
{
    /// <summary>The template's VM id.</summary>
    public required int VmId { get; set; }

    /// <summary>The template's name.</summary>
    public required string Name { get; set; }

    /// <summary>Node holding the template. Null (default): the cluster's first node.</summary>
    public string? Node { get; set; }

    /// <summary>Cores. Default 1.</summary>
    public int Cores { get; set; } = 1;

    /// <summary>Memory in MiB. Default 1024.</summary>
    public int MemoryMegabytes { get; set; } = 1024;

    /// <summary>Size of the boot disk <c>scsi0</c> in GiB. Default 8.</summary>
    public int DiskGigabytes { get; set; } = 8;
}
