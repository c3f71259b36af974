using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sankofa.Proxmox.Emulator.Schema;
using Sankofa.Proxmox.Emulator.State;

namespace Sankofa.Proxmox.Emulator.Api;

// A VM's configuration and disks: clone, read and change the config, resize a disk.
internal sealed partial class ClusterApi
{
    // Parameters of the config endpoints that steer the call rather than being stored.
    private static readonly HashSet<string> ControlParameters = new(StringComparer.Ordinal)
    {
        "node", "vmid", "digest", "skiplock", "delete", "revert", "force", "background_delay",
    };

    private ApiResult Clone(ApiRequest request)
    {
        var node = request["node"];
        if (FindVmOn(node, request.Int("vmid"), out var source) is { } missing)
        {
            return missing;
        }

        var newId = request.Int("newid");
        if (cluster.TakeCloneIdOnce(request.Optional("target") ?? node) is { } intruderNode && cluster.FindVm(newId) is null)
        {
            var intruder = new EmulatedVm(newId, intruderNode);
            intruder.Config["name"] = "taken-by-another-client";
            cluster.AddVm(intruder);
        }

        if (cluster.FindVm(newId) is not null)
        {
            return ApiResult.Failure($"unable to create VM {newId}: config file already exists");
        }

        var full = request.Optional("full") is { } f ? ApiMethod.ParseBoolean(f) == true : !source.IsTemplate;
        if (!source.IsTemplate && !full)
        {
            return ApiResult.Failure("Linked clone feature is not supported for drive 'scsi0'");
        }

        // Cloning a plain VM locks it for the copy; a template may be cloned by many at once.
        if (!source.IsTemplate && Blocked(source, request) is { } blocked)
        {
            return blocked;
        }

        var target = request.Optional("target") ?? node;
        if (cluster.FindNode(target) is not { } targetNode)
        {
            return ApiResult.InvalidParameter("target", $"no such node '{target}'");
        }

        if (!targetNode.Online)
        {
            return ApiResult.NodeUnreachable();
        }

        // Like Proxmox, the new VM's config is written first, locked, with name and description; the disks follow.
        var clone = new EmulatedVm(newId, target) { Lock = "clone" };
        foreach (var (key, value) in source.Config)
        {
            if (key is not ("template" or "name" or "description" or "tags"))
            {
                clone.Config[key] = value.DeepClone();
            }
        }

        clone.Config["name"] = request.Optional("name") ?? $"Copy-of-VM-{source.Name}";
        if (request.Optional("description") is { } description)
        {
            clone.Config["description"] = description;
        }

        foreach (var disk in clone.Config.Keys.Where(k => DiskKey().IsMatch(k)).ToList())
        {
            clone.Config[disk] = DiskVolume().Replace(clone.Config[disk].ToString(), $"vm-{newId}-", 1);
        }

        clone.Config["vmgenid"] = cluster.Context.NewUuid();
        clone.Config["smbios1"] = "uuid=" + cluster.Context.NewUuid();
        cluster.AddVm(clone);
        if (!source.IsTemplate)
        {
            source.Lock = "clone";
        }

        var task = cluster.StartTask(node, "qmclone", source.VmId.ToString(CultureInfo.InvariantCulture), request.User, clone, null,
            onSuccess: () =>
            {
                clone.Lock = null;
                if (!source.IsTemplate)
                {
                    source.Lock = null;
                }
            },
            onFailure: () =>
            {
                // A failed clone removes what it created, as Proxmox's clone worker does.
                cluster.RemoveVm(newId);
                if (!source.IsTemplate)
                {
                    source.Lock = null;
                }
            });
        return ApiResult.Ok(task.Upid);
    }

    private ApiResult GetConfig(ApiRequest request)
    {
        if (FindVmOn(request["node"], request.Int("vmid"), out var vm) is { } missing)
        {
            return missing;
        }

        var config = new JsonObject();
        foreach (var (key, value) in vm.Config)
        {
            config[key] = value.DeepClone();
        }

        if (vm.Lock is not null)
        {
            config["lock"] = vm.Lock;
        }

        config["digest"] = Digest(vm);
        return ApiResult.Ok(config);
    }

    private ApiResult UpdateConfig(ApiRequest request, bool background)
    {
        if (FindVmOn(request["node"], request.Int("vmid"), out var vm) is { } missing)
        {
            return missing;
        }

        if (Blocked(vm, request) is { } blocked)
        {
            return blocked;
        }

        if (request.Optional("digest") is { } digest && digest != Digest(vm))
        {
            return ApiResult.Failure("detected modified configuration - file changed by other user? Try again.");
        }

        var deletions = (request.Optional("delete") ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries);
        foreach (var key in deletions)
        {
            if (request.Parameters.ContainsKey(key))
            {
                return ApiResult.InvalidParameter(key, $"unable to delete parameter '{key}' which is also set");
            }
        }

        foreach (var key in deletions)
        {
            vm.Config.Remove(key);
        }

        foreach (var (key, value) in request.Parameters)
        {
            if (!ControlParameters.Contains(key))
            {
                vm.Config[key] = Typed(key, value);
            }
        }

        if (!background)
        {
            return ApiResult.Ok(null);
        }

        var task = cluster.StartTask(request["node"], "qmconfig", vm.VmId.ToString(CultureInfo.InvariantCulture), request.User, vm, null, onSuccess: null);
        return ApiResult.Ok(task.Upid);
    }

    private ApiResult Resize(ApiRequest request)
    {
        if (FindVmOn(request["node"], request.Int("vmid"), out var vm) is { } missing)
        {
            return missing;
        }

        if (Blocked(vm, request) is { } blocked)
        {
            return blocked;
        }

        var disk = request["disk"];
        if (!vm.Config.TryGetValue(disk, out var volume))
        {
            return ApiResult.Failure($"disk '{disk}' does not exist");
        }

        var current = SizeOf(volume.ToString());
        var size = request["size"];
        var requested = ParseSize(size.TrimStart('+'));
        var target = size.StartsWith('+') ? current + requested : requested;
        if (target < current)
        {
            return ApiResult.Failure("shrinking disks is not supported");
        }

        var task = cluster.StartTask(request["node"], "resize", vm.VmId.ToString(CultureInfo.InvariantCulture), request.User, vm, null,
            onSuccess: () => vm.Config[disk] = SizeAttribute().Replace(vm.Config[disk].ToString(), "size=" + FormatSize(target)));
        return ApiResult.Ok(task.Upid);
    }

    private JsonNode Typed(string key, string value)
    {
        var type = (string?)configSchema.Property(key)?["type"];
        return type switch
        {
            "integer" when long.TryParse(value, CultureInfo.InvariantCulture, out var l) => l,
            "number" when double.TryParse(value, CultureInfo.InvariantCulture, out var d) => d,
            "boolean" => ApiMethod.ParseBoolean(value) == true ? 1 : 0,
            _ => value,
        };
    }

    private static string Digest(EmulatedVm vm)
    {
        var text = string.Join('\n', vm.Config.Select(p => p.Key + ": " + p.Value.ToString()));
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static long SizeOf(string volume)
    {
        var match = SizeAttribute().Match(volume);
        return match.Success ? ParseSize(match.Value["size=".Length..]) : 0;
    }

    private static long ParseSize(string size)
    {
        var unit = char.ToUpperInvariant(size[^1]);
        var number = char.IsDigit(unit) ? size : size[..^1];
        var value = double.Parse(number, CultureInfo.InvariantCulture);
        var factor = unit switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1L };
        return (long)(value * factor);
    }

    private static string FormatSize(long bytes) =>
        bytes % (1L << 30) == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes >> 30}G") : string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20}M");

    [GeneratedRegex(@"^(scsi|virtio|sata|ide)\d+$")]
    private static partial Regex DiskKey();

    [GeneratedRegex(@"(base|vm)-\d+-")]
    private static partial Regex DiskVolume();

    [GeneratedRegex(@"size=\d+(\.\d+)?[KMGT]?")]
    private static partial Regex SizeAttribute();
}
