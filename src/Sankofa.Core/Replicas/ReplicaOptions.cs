namespace Sankofa.Core.Replicas;

/// <summary>How replicas sharing one store hand work over to each other (configuration section <c>Replicas</c>).</summary>
public sealed class ReplicaOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Replicas";

    /// <summary>How often a replica that does not lead a worker tries to take its leadership over. Default 2 seconds.</summary>
    public TimeSpan TakeoverInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// TCP keepalive idle time of the lock connections, on both ends: PostgreSQL probes a silent replica after this long,
    /// every half of it again, and drops it (and its locks) after three unanswered probes, so the locks of a replica
    /// whose machine or network died end within 2.5 times this (a killed process closes its connection at once).
    /// Default 10 seconds: 25 seconds at most.
    /// </summary>
    public TimeSpan Keepalive { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many keepalive probes go unanswered before a lock connection counts as dead.</summary>
    public const int KeepaliveProbes = 3;

    /// <summary>The longest a dead replica's locks outlive it: the keepalive idle time, then every probe.</summary>
    public TimeSpan DeadReplicaBound => Keepalive + (KeepaliveProbeInterval * KeepaliveProbes);

    /// <summary>Time between keepalive probes: half the idle time, at least a second.</summary>
    public TimeSpan KeepaliveProbeInterval => TimeSpan.FromSeconds(Math.Max(1, (int)Keepalive.TotalSeconds / 2));
}
