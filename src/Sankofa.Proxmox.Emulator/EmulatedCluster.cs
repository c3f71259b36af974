using System.Globalization;
using System.Text.Json.Nodes;
using Sankofa.Proxmox.Emulator.State;

namespace Sankofa.Proxmox.Emulator;

/// <summary>
/// One emulated Proxmox VE cluster: its nodes, VMs, tasks and credentials, plus the seeding and fault-injection calls
/// tests use. All state sits behind one lock per cluster; tasks finish lazily (when a request looks at the cluster after
/// their end time), so an idle cluster costs no timers or threads — that is what lets one process host hundreds.
/// </summary>
public sealed class EmulatedCluster
{
    private const int MaxFinishedTasksKept = 256;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, EmulatedNode> _nodes = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, EmulatedVm> _vms = [];
    private readonly Dictionary<string, EmulatedTask> _tasks = new(StringComparer.Ordinal);
    private readonly Queue<string> _finishedTasks = new();
    private readonly Dictionary<string, Queue<string>> _taskFailures = new(StringComparer.Ordinal);
    private bool _takeNextCloneId;
    private readonly Dictionary<string, TimeSpan> _taskDurations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _tickets = new(StringComparer.Ordinal);
    private readonly EmulatorContext _context;
    private long _requestsServed;
    private int _nextPid;

    internal EmulatedCluster(EmulatedClusterOptions options, Uri baseUrl, EmulatorContext context)
    {
        _context = context;
        Id = options.Id;
        BaseUrl = baseUrl;
        TokenId = options.TokenId;
        TokenSecret = options.TokenSecret ?? context.NewUuid();
        Username = options.Username;
        Password = options.Password ?? context.NewUuid();
        _nextPid = context.NextInt(1000, 400_000);
        var now = context.Time.GetUtcNow();
        foreach (var node in options.Nodes)
        {
            _nodes[node.Name] = new EmulatedNode(node.Name, node.Cores, node.MemoryBytes, now);
        }

        var saved = context.Options.StateDirectory is { } directory
            ? ClusterStateStore.Read(directory, Id, _nodes.ContainsKey, _nodes.Keys.First(), now)
            : null;
        if (saved is not null)
        {
            foreach (var vm in saved)
            {
                _vms[vm.VmId] = vm;
            }
        }
        else
        {
            foreach (var template in options.Templates)
            {
                AddTemplate(template);
            }
        }
    }

    /// <summary>The cluster id.</summary>
    public string Id { get; }

    /// <summary>The cluster's API base URL, ending in <c>/api2/json/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>API token id (<c>USER@REALM!TOKENID</c>).</summary>
    public string TokenId { get; }

    /// <summary>The API token's secret.</summary>
    public string TokenSecret { get; }

    /// <summary>User for ticket login.</summary>
    public string Username { get; }

    /// <summary>The user's password.</summary>
    public string Password { get; }

    /// <summary>Whether the cluster's API answers at all; when false every request's connection is dropped.</summary>
    public bool Reachable { get; set; } = true;

    /// <summary>API requests this cluster answered (any status), for benchmarks counting what a provisioning costs.</summary>
    public long RequestsServed => Interlocked.Read(ref _requestsServed);

    internal void CountRequest() => Interlocked.Increment(ref _requestsServed);

    internal Lock Gate => _gate;

    /// <summary>Counts changes, so the state store writes only clusters that changed since the last write.</summary>
    internal long Version { get; private set; }

    internal void MarkChanged() => Version++;

    /// <summary>Writes the cluster's VMs to the state directory if it changed since <paramref name="savedVersion"/>; returns the version written.</summary>
    internal long SaveIfChanged(string directory, long savedVersion)
    {
        System.Text.Json.Nodes.JsonObject snapshot;
        long version;
        lock (_gate)
        {
            Advance();
            if (Version == savedVersion)
            {
                return savedVersion;
            }

            snapshot = ClusterStateStore.Snapshot(this);
            version = Version;
        }

        ClusterStateStore.Write(directory, Id, snapshot);
        return version;
    }

    internal EmulatorContext Context => _context;

    /// <summary>Adds a template VM.</summary>
    public void AddTemplate(EmulatedTemplateOptions template)
    {
        ArgumentNullException.ThrowIfNull(template);
        lock (_gate)
        {
            var node = template.Node ?? _nodes.Keys.First();
            if (!_nodes.ContainsKey(node))
            {
                throw new ArgumentException($"Cluster {Id} has no node {node}.", nameof(template));
            }

            var vm = new EmulatedVm(template.VmId, node);
            vm.Config["name"] = template.Name;
            vm.Config["template"] = 1;
            vm.Config["cores"] = template.Cores;
            vm.Config["sockets"] = 1;
            vm.Config["memory"] = template.MemoryMegabytes.ToString(CultureInfo.InvariantCulture);
            vm.Config["ostype"] = "l26";
            vm.Config["scsihw"] = "virtio-scsi-single";
            vm.Config["scsi0"] = string.Create(CultureInfo.InvariantCulture, $"local-lvm:base-{template.VmId}-disk-0,size={template.DiskGigabytes}G");
            vm.Config["ide2"] = string.Create(CultureInfo.InvariantCulture, $"local-lvm:vm-{template.VmId}-cloudinit,media=cdrom");
            vm.Config["net0"] = "virtio=BC:24:11:00:00:01,bridge=vmbr0";
            vm.Config["boot"] = "order=scsi0";
            _vms[template.VmId] = vm;
            Version++;
        }
    }

    /// <summary>Takes a node off the network (false) or brings it back (true). Requests for an offline node fail with status 595, as a proxied request to an unreachable node does.</summary>
    public void SetNodeOnline(string node, bool online)
    {
        lock (_gate)
        {
            GetNodeOrThrow(node).Online = online;
        }
    }

    /// <summary>Makes the next <paramref name="count"/> tasks of <paramref name="taskType"/> (<c>qmclone</c>, <c>qmstart</c>, …) fail with <paramref name="exitStatus"/>.</summary>
    public void FailNextTasks(string taskType, string exitStatus, int count = 1)
    {
        lock (_gate)
        {
            if (!_taskFailures.TryGetValue(taskType, out var queue))
            {
                _taskFailures[taskType] = queue = new Queue<string>();
            }

            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(exitStatus);
            }
        }
    }

    /// <summary>
    /// Makes someone else take the id of the next clone just before it arrives: a plain VM appears under that id on
    /// another node than the clone's target (when there is one), as when two clients draw the same free id from
    /// <c>/cluster/nextid</c> and the other clones first. Ids are cluster-wide, so the clone is refused.
    /// </summary>
    public void TakeNextCloneId()
    {
        lock (_gate)
        {
            _takeNextCloneId = true;
        }
    }

    /// <summary>Where the VM taking the next clone's id appears (once), or null when <see cref="TakeNextCloneId"/> was not called.</summary>
    internal string? TakeCloneIdOnce(string target)
    {
        if (!_takeNextCloneId)
        {
            return null;
        }

        _takeNextCloneId = false;
        return _nodes.Keys.FirstOrDefault(n => n != target) ?? target;
    }

    /// <summary>Overrides how long tasks of <paramref name="taskType"/> run on this cluster (a slow storage, for example).</summary>
    public void SetTaskDuration(string taskType, TimeSpan duration)
    {
        lock (_gate)
        {
            _taskDurations[taskType] = duration;
        }
    }

    /// <summary>Makes a VM's guest ignore ACPI shutdown requests, so shutdowns time out unless forced.</summary>
    public void IgnoreShutdown(int vmId, bool ignore = true)
    {
        lock (_gate)
        {
            GetVmOrThrow(vmId).IgnoresShutdown = ignore;
        }
    }

    /// <summary>Sets or clears (null) a config lock on a VM, as a backup or migration would.</summary>
    public void SetLock(int vmId, string? lockName)
    {
        lock (_gate)
        {
            GetVmOrThrow(vmId).Lock = lockName;
            Version++;
        }
    }

    /// <summary>The ids of all VMs and templates.</summary>
    public IReadOnlyList<int> VmIds
    {
        get
        {
            lock (_gate)
            {
                Advance();
                return [.. _vms.Keys];
            }
        }
    }

    /// <summary>Whether a VM runs; null when it does not exist.</summary>
    public bool? IsRunning(int vmId)
    {
        lock (_gate)
        {
            Advance();
            return _vms.TryGetValue(vmId, out var vm) ? vm.Running : null;
        }
    }

    /// <summary>A configuration value of a VM as Proxmox would return it, or null.</summary>
    public string? ConfigValue(int vmId, string key)
    {
        lock (_gate)
        {
            Advance();
            return _vms.TryGetValue(vmId, out var vm) && vm.Config.TryGetValue(key, out var value) ? value.ToString() : null;
        }
    }

    // ---- used by the API layer, always under the gate ----

    internal IEnumerable<EmulatedNode> Nodes => _nodes.Values;

    internal IEnumerable<EmulatedVm> Vms => _vms.Values;

    internal EmulatedNode? FindNode(string name) => _nodes.GetValueOrDefault(name);

    internal EmulatedVm? FindVm(int vmId) => _vms.GetValueOrDefault(vmId);

    internal void AddVm(EmulatedVm vm) => _vms[vm.VmId] = vm;

    internal void RemoveVm(int vmId) => _vms.Remove(vmId);

    internal EmulatedTask? FindTask(string upid) => _tasks.GetValueOrDefault(upid);

    internal string IssueTicket(string user)
    {
        var now = _context.Time.GetUtcNow();
        var ticket = string.Create(CultureInfo.InvariantCulture, $"PVE:{user}:{now.ToUnixTimeSeconds():X8}::{Convert.ToBase64String(_context.RandomBytes(48))}");
        _tickets[ticket] = now + _context.Options.TicketLifetime;
        return ticket;
    }

    internal bool TicketValid(string ticket) => _tickets.TryGetValue(ticket, out var expires) && expires > _context.Time.GetUtcNow();

    internal static string CsrfTokenFor(string ticket) =>
        // Derived from the ticket so it needs no storage; real Proxmox signs it with a cluster secret.
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("csrf:" + ticket)))[..32];

    /// <summary>Starts a worker task; it runs for the configured duration, then applies <paramref name="onSuccess"/> or, when a failure was injected, <paramref name="onFailure"/>.</summary>
    internal EmulatedTask StartTask(string node, string type, string id, string user, EmulatedVm? vm, TimeSpan? duration, Action? onSuccess, Action? onFailure = null)
    {
        var now = _context.Time.GetUtcNow();
        var pid = _nextPid++;
        var pstart = (int)(now - _nodes[node].BootedAt).TotalSeconds * 100 + 1_000_000;
        var start = now.ToUnixTimeSeconds();
        var task = new EmulatedTask
        {
            Upid = EmulatedTask.FormatUpid(node, pid, pstart, start, type, id, user),
            Node = node,
            Pid = pid,
            PStart = pstart,
            StartTime = start,
            Type = type,
            Id = id,
            User = user,
            EndsAt = now + (_taskDurations.TryGetValue(type, out var over) ? over : duration ?? DefaultDuration(type)),
            OnSuccess = onSuccess,
            OnFailure = onFailure,
            VmId = vm?.VmId,
        };
        if (_taskFailures.TryGetValue(type, out var failures) && failures.Count > 0)
        {
            task.Failure = failures.Dequeue();
        }

        if (vm is not null)
        {
            vm.ActiveTask = task;
        }

        _tasks[task.Upid] = task;
        return task;
    }

    private TimeSpan DefaultDuration(string type)
    {
        var d = _context.Options.TaskDurations;
        return type switch
        {
            "qmclone" => d.Clone,
            "qmstart" => d.Start,
            "qmshutdown" => d.Shutdown,
            "qmstop" => d.Stop,
            "qmdestroy" => d.Destroy,
            "resize" => d.Resize,
            _ => d.Config,
        };
    }

    /// <summary>Finishes every task whose time has come, oldest first. Called at the start of every request.</summary>
    internal void Advance()
    {
        var now = _context.Time.GetUtcNow();
        List<EmulatedTask>? due = null;
        foreach (var task in _tasks.Values)
        {
            if (!task.Finished && task.EndsAt <= now)
            {
                (due ??= []).Add(task);
            }
        }

        if (due is null)
        {
            return;
        }

        Version++;
        foreach (var task in due.OrderBy(t => t.EndsAt))
        {
            task.Finish();
            if (task.VmId is { } vmId && _vms.TryGetValue(vmId, out var vm) && ReferenceEquals(vm.ActiveTask, task))
            {
                vm.ActiveTask = null;
            }

            _finishedTasks.Enqueue(task.Upid);
        }

        // Finished tasks are kept for status queries, but only the newest few, so a long-lived cluster stays small.
        while (_finishedTasks.Count > MaxFinishedTasksKept)
        {
            _tasks.Remove(_finishedTasks.Dequeue());
        }
    }

    private EmulatedNode GetNodeOrThrow(string node) =>
        _nodes.GetValueOrDefault(node) ?? throw new ArgumentException($"Cluster {Id} has no node {node}.", nameof(node));

    private EmulatedVm GetVmOrThrow(int vmId) =>
        _vms.GetValueOrDefault(vmId) ?? throw new ArgumentException($"Cluster {Id} has no VM {vmId}.", nameof(vmId));

    internal static JsonNode Json(object value) => JsonValue.Create(value)!;
}
