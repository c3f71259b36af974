namespace Sankofa.Proxmox.Emulator.State;

/// <summary>A node: capacity and whether it answers.</summary>
internal sealed class EmulatedNode(string name, int cores, long memoryBytes, DateTimeOffset bootedAt)
{
    public string Name { get; } = name;
    public int Cores { get; } = cores;
    public long MemoryBytes { get; } = memoryBytes;
    public DateTimeOffset BootedAt { get; } = bootedAt;
    public bool Online { get; set; } = true;
}
