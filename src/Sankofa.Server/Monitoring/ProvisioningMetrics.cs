using Prometheus;
using Sankofa.Core.Provisioning;
using Sankofa.Proxmox.Api;

namespace Sankofa.Server.Monitoring;

/// <summary>
/// Prometheus series of provisioning: how long reconcile runs and whole provisionings take, and how the Proxmox VE
/// calls end. The Proxmox counter is bumped on the hot path (some ten calls per VM): its children are made once, so a
/// call costs an array read and an increment.
/// </summary>
internal sealed class ProvisioningMetrics : IProxmoxCallObserver
{
    private static readonly Histogram ReconcileDuration = Metrics.CreateHistogram(
        "sankofa_reconcile_duration_seconds", "Time one reconcile run of a resource took (its steps until it settles, waits or yields), by the status it started from.",
        new HistogramConfiguration { LabelNames = ["status"], Buckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });

    private static readonly Histogram ProvisioningDuration = Metrics.CreateHistogram(
        "sankofa_provisioning_duration_seconds", "Time from a VM's request to its first Verified (outcome verified) or to its failure (outcome failed).",
        new HistogramConfiguration { LabelNames = ["outcome"], Buckets = [1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600] });

    private static readonly Counter ProxmoxCalls = Metrics.CreateCounter(
        "sankofa_proxmox_calls_total", "HTTP calls to the sites' Proxmox VE APIs, by method and outcome.",
        new CounterConfiguration { LabelNames = ["method", "outcome"] });

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE"];
    private static readonly string[] Outcomes = ["success", "client_error", "server_error", "unreachable"];

    private readonly Counter.Child[,] calls = new Counter.Child[Methods.Length + 1, Outcomes.Length];
    private readonly Histogram.Child[] steps = new Histogram.Child[Enum.GetValues<ResourceStatus>().Length];
    private readonly Histogram.Child verified = ProvisioningDuration.WithLabels("verified");
    private readonly Histogram.Child failed = ProvisioningDuration.WithLabels("failed");

    public ProvisioningMetrics()
    {
        for (var m = 0; m <= Methods.Length; m++)
        {
            for (var o = 0; o < Outcomes.Length; o++)
            {
                calls[m, o] = ProxmoxCalls.WithLabels(m < Methods.Length ? Methods[m] : "other", Outcomes[o]);
            }
        }

        foreach (var status in Enum.GetValues<ResourceStatus>())
        {
            steps[(int)status] = ReconcileDuration.WithLabels(Label(status));
        }
    }

    /// <summary>The label value of a status: its name in lower case, as the API spells it.</summary>
    public static string Label(ResourceStatus status) => status.ToString().ToLowerInvariant();

    public void Called(HttpMethod method, ProxmoxCallOutcome outcome)
    {
        var m = method == HttpMethod.Get ? 0 : method == HttpMethod.Post ? 1 : method == HttpMethod.Put ? 2 : method == HttpMethod.Delete ? 3 : 4;
        calls[m, (int)outcome].Inc();
    }

    /// <summary>A reconcile run of a resource that was in <paramref name="before"/> took <paramref name="elapsed"/>.</summary>
    public void Reconciled(ResourceStatus before, TimeSpan elapsed) => steps[(int)before].Observe(elapsed.TotalSeconds);

    /// <summary>
    /// Records the end of a provisioning when a run took a resource to its first Verified, or to Failed while it was
    /// wanted; resizes (already verified once) and deletions are not provisionings.
    /// </summary>
    public void Stepped(Resource before, Resource after, DateTimeOffset now)
    {
        if (after.Status == before.Status || before.VerifiedAt is not null || after.Desired != DesiredState.Present)
        {
            return;
        }

        if (after.Status == ResourceStatus.Verified)
        {
            verified.Observe(Math.Max(0, ((after.VerifiedAt ?? now) - after.CreatedAt).TotalSeconds));
        }
        else if (after.Status == ResourceStatus.Failed)
        {
            failed.Observe(Math.Max(0, (now - after.CreatedAt).TotalSeconds));
        }
    }
}
