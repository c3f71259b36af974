namespace Sankofa.Proxmox.Emulator.Api;

/// <summary>The paths and methods the emulator serves; the embedded schema subset is derived from exactly this list.</summary>
internal static class ServedEndpoints
{
    public static readonly IReadOnlyList<(string Path, string Method)> All =
    [
        ("/access/ticket", "POST"),
        ("/version", "GET"),
        ("/cluster/nextid", "GET"),
        ("/cluster/resources", "GET"),
        ("/nodes", "GET"),
        ("/nodes/{node}/status", "GET"),
        ("/nodes/{node}/qemu", "GET"),
        ("/nodes/{node}/qemu/{vmid}", "DELETE"),
        ("/nodes/{node}/qemu/{vmid}/clone", "POST"),
        ("/nodes/{node}/qemu/{vmid}/config", "GET"),
        ("/nodes/{node}/qemu/{vmid}/config", "POST"),
        ("/nodes/{node}/qemu/{vmid}/config", "PUT"),
        ("/nodes/{node}/qemu/{vmid}/resize", "PUT"),
        ("/nodes/{node}/qemu/{vmid}/status/current", "GET"),
        ("/nodes/{node}/qemu/{vmid}/status/start", "POST"),
        ("/nodes/{node}/qemu/{vmid}/status/shutdown", "POST"),
        ("/nodes/{node}/qemu/{vmid}/status/stop", "POST"),
        ("/nodes/{node}/tasks/{upid}/status", "GET"),
    ];
}
