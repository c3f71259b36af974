namespace Sankofa.Core.Provisioning;

/// <summary>Provisioning settings (configuration section <c>Provisioning</c>).</summary>
public sealed class ProvisioningOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Provisioning";

    /// <summary>
    /// Templates a request may name, by name: the VM id and node of the template on every site's cluster.
    /// Default: <c>debian-12-cloud</c> = VM 9000, on whichever node of the cluster holds it.
    /// </summary>
    public Dictionary<string, TemplateOptions> Templates { get; } = new(StringComparer.Ordinal)
    {
        ["debian-12-cloud"] = new TemplateOptions { VmId = 9000 },
    };

    /// <summary>Largest vCPU count one VM may ask for. Default 128.</summary>
    public int MaxVCpu { get; set; } = 128;

    /// <summary>Largest memory one VM may ask for, in MiB. Default 1 TiB.</summary>
    public long MaxRamMiB { get; set; } = 1024 * 1024;

    /// <summary>Largest disk one VM may ask for, in GiB. Default 64 TiB.</summary>
    public long MaxDiskGiB { get; set; } = 64 * 1024;

    /// <summary>Most SSH keys one VM may carry (they travel in its spec, its cloud-init and its audit entry). Default 32.</summary>
    public int MaxSshKeys { get; set; } = 32;

    /// <summary>Longest SSH public key accepted, in characters (a 16384-bit RSA key with a comment fits). Default 4096.</summary>
    public int MaxSshKeyLength { get; set; } = 4096;

    /// <summary>How often the reconciler looks for work when nothing woke it. Default 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Resources reconciled at once. Default 8.</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>
    /// How long a server's reconciler holds a resource it works on (renewed at every step it stores), so servers
    /// sharing a database never work on the same resource; a crashed server's resources are taken over after it.
    /// Default 5 minutes (longer than any single hypervisor task should take).
    /// </summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Names this server in its reconciler's claims; on start it resumes at once whatever it held before. Servers
    /// sharing a database need distinct names. Default: the machine name.
    /// </summary>
    public string InstanceId { get; set; } = Environment.MachineName;

    /// <summary>First wait after a failed step; doubled per failure. Default 1 second.</summary>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts. Default 1 minute.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Failed attempts of one step after which provisioning is rolled back and the resource Failed. Default 8. Removing a
    /// VM is retried for as long as it takes; past this count only every doubling of the count adds a history entry.
    /// </summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// How often the newest Verified resources are checked against the chain; one the chain no longer says Verified (it
    /// lost its last blocks) is recorded again from the store. Every one is checked at start and after the chain lost
    /// its state. Default 1 minute.
    /// </summary>
    public TimeSpan ChainCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many of the newest Verified resources each periodic chain check covers. Default 2,000.</summary>
    public int ChainCheckWindow { get; set; } = 2000;

    /// <summary>How long a guest gets to shut down cleanly before it is stopped. Default 30 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often placement reloads every allocation from the store; between reloads it counts this server's own
    /// reservations and releases in memory, so only other servers' changes wait for the reload. Default 15 seconds.
    /// </summary>
    public TimeSpan CapacityRefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a cluster's node list (which nodes are online) is reused when choosing where a clone goes; a node that
    /// went down meanwhile fails the clone, which is retried. Default 10 seconds.
    /// </summary>
    public TimeSpan NodeListMaxAge { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often Verified resources' usage is metered. Default 1 minute.</summary>
    public TimeSpan MeteringInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often a resource whose work is with its site's agent is looked at while no result came (a result wakes it at
    /// once; this only bounds how long a lost wake-up costs). Default 1 minute.
    /// </summary>
    public TimeSpan AgentWorkWait { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Where a template lives on each site's cluster.</summary>
public sealed class TemplateOptions
{
    /// <summary>The template's VM id.</summary>
    public int VmId { get; set; }

    /// <summary>The node holding the template; null (default): looked up among the cluster's nodes, as sites name their nodes differently.</summary>
    public string? Node { get; set; }
}
