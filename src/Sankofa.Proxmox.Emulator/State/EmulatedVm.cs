using System.Text.Json.Nodes;

namespace Sankofa.Proxmox.Emulator.State;

/// <summary>A VM or template: its configuration as Proxmox stores it, power state and config lock.</summary>
internal sealed class EmulatedVm(int vmId, string node)
{
    public int VmId { get; } = vmId;
    public string Node { get; set; } = node;
    public SortedDictionary<string, JsonNode> Config { get; } = new(StringComparer.Ordinal);
    public bool Running { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public string? Lock { get; set; }
    public EmulatedTask? ActiveTask { get; set; }
    public bool IgnoresShutdown { get; set; }
    public bool IsTemplate => Config.TryGetValue("template", out var t) && t.ToString() == "1";

    public string? Name => Config.TryGetValue("name", out var n) ? n.ToString() : null;

    public int Cores => Config.TryGetValue("cores", out var c) && int.TryParse(c.ToString(), out var cores) ? cores : 1;

    public long MemoryBytes
    {
        get
        {
            // memory is a property string "[current=]<MiB>"; 512 MiB when absent, as in Proxmox.
            var text = Config.TryGetValue("memory", out var m) ? m.ToString() : "512";
            var value = text.Split(',')[0].Replace("current=", "", StringComparison.Ordinal);
            return (long.TryParse(value, out var mib) ? mib : 512) << 20;
        }
    }
}
