using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sankofa.Agent.Protocol;
using Sankofa.Core.Agents;
using Sankofa.Core.Replicas;
using Sankofa.Core.Topology;

namespace Sankofa.Server.AgentLink;

/// <summary>
/// The site agents' inventory reports: keeps each site's latest, answers the site's health from it (a site in agent mode
/// is not probed by the control plane, which may not reach it), says the site is down once its agent has been silent for
/// <see cref="AgentLinkOptions.SilentAfter"/>, and compares the report's VMs with the store (<see cref="InventoryDrift"/>).
/// It is also where the control plane decides which sites are in agent mode (<see cref="IsAgentSiteAsync"/>), for the
/// reconciler as for health: a site is when the registry has an approved agent for it (re-read every
/// <see cref="RegistryRefresh"/>; a site not known as one is asked about again at most every
/// <see cref="DirectSiteAge"/>, so an approval takes effect within seconds), and a report from a linked agent, whose key
/// the chain records, counts at once. Reports are kept in memory: each control plane judges the agents linked to it, and
/// the registry's last seen for agents linked elsewhere. The health a report shows is also signalled to the other replicas
/// (<see cref="ReplicaSignalNames.SiteReport"/>), so placement through any replica sees it; the report itself (VMs,
/// drift) stays with the replica holding the link.
/// </summary>
public sealed partial class SiteInventory(
    IAgentStore registry, InventoryDrift drift, IReplicaSignals signals, IOptions<AgentLinkOptions> options, TimeProvider time, ILogger<SiteInventory> logger)
    : BackgroundService, ISiteReports, IReportedSiteHealth
{
    /// <summary>How often the registry's approved agents (and their last seen) are read again.</summary>
    public static readonly TimeSpan RegistryRefresh = TimeSpan.FromSeconds(15);

    /// <summary>How long a site found without an approved agent is taken to be in direct mode before the registry is asked again.</summary>
    public static readonly TimeSpan DirectSiteAge = TimeSpan.FromSeconds(2);

    // Longest name or status kept from a report; anything longer is cut (the agent is trusted with nothing but its site).
    private const int MaxText = 256;

    // Sites asked about and found in direct mode, until when that answer stands.
    private readonly ConcurrentDictionary<string, DateTimeOffset> directUntil = new(StringComparer.Ordinal);

    // The registry read in flight for a site, shared by every caller asking about it meanwhile: when a site's answer
    // expires, all the reconciler's workers stepping its resources would otherwise each send the same query at once.
    private readonly ConcurrentDictionary<string, Task<bool>> asking = new(StringComparer.Ordinal);

    private readonly DateTimeOffset startedAt = time.GetUtcNow();
    private readonly ConcurrentDictionary<string, Kept> latest = new(StringComparer.Ordinal);

    // The health other replicas' linked agents reported, and when it arrived here.
    private readonly ConcurrentDictionary<string, Heard> elsewhere = new(StringComparer.Ordinal);

    // The down observation of a silent site, kept per site so placement sees the same object until something changes.
    private readonly ConcurrentDictionary<string, SiteObservation> silent = new(StringComparer.Ordinal);

    // Site → when the registry last saw its approved agent (null: never); replaced whole by each refresh.
    private volatile FrozenDictionary<string, DateTimeOffset?> approved = FrozenDictionary<string, DateTimeOffset?>.Empty;

    /// <summary>
    /// Takes one inventory report from an agent whose link proved it holds <paramref name="site"/>'s key: keeps it as the
    /// site's latest unless a later one is kept already (reports are sent again after a reconnection), derives the site's
    /// health from it, and records the drift it shows. Returns once the drift is stored, so the link may ack the report.
    /// </summary>
    /// <param name="site">The site the link authenticated; the only part of the exchange that is trusted.</param>
    /// <param name="report">The report as received.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <remarks>When the store cannot be read or written this throws (the health is updated, the drift not recorded): do not ack the report, and the agent sends it again.</remarks>
    public async Task ReceiveAsync(string site, Inventory report, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(site);
        ArgumentNullException.ThrowIfNull(report);
        var received = ToReport(site, report, time.GetUtcNow());
        MarkAgentSite(site, null);

        // Ordered by when each was taken, but never later than it arrived: an agent whose clock ran ahead for a while
        // cannot make the reports after its clock is put right look older than the one it sent then.
        var previous = latest.GetValueOrDefault(site);
        var kept = new Kept(received, SiteReportHealth.Observe(received), previous?.Drift ?? DriftFound.NotChecked);
        var stored = latest.AddOrUpdate(site, kept, (_, current) => received.TakenNoLaterThan > current.Report.TakenNoLaterThan ? kept : current);
        if (!ReferenceEquals(stored, kept))
        {
            LogOlderReport(logger, site, received.TakenAt, stored.Report.TakenAt);
            return;
        }

        Share(site, kept.Observation);
        var found = await drift.CheckAsync(received, cancellationToken).ConfigureAwait(false);
        if (found.Checked && (found.Vanished.Count, found.Unknown.Count) != (previous?.Drift.Vanished.Count ?? 0, previous?.Drift.Unknown.Count ?? 0))
        {
            LogDrift(logger, site, found.Vanished.Count, found.Unknown.Count); // when it changes, not on every report
        }

        // Unless a later report replaced it meanwhile (its own check then stands). A report that could not show drift
        // (hypervisor unreachable) keeps the drift last found.
        latest.TryUpdate(site, found.Checked ? kept with { Drift = found } : kept, kept);
    }

    /// <summary>
    /// Whether <paramref name="siteId"/> is in agent mode: its work goes to its agent, its health comes from its reports.
    /// Asked by the reconciler for every step of every resource, so it costs a query only for a site not known as an
    /// agent site, and for each such site at most every <see cref="DirectSiteAge"/>.
    /// </summary>
    public async ValueTask<bool> IsAgentSiteAsync(string siteId, CancellationToken cancellationToken)
    {
        if (approved.ContainsKey(siteId))
        {
            return true;
        }

        var known = directUntil.TryGetValue(siteId, out var until);
        if (known && until > time.GetUtcNow())
        {
            return false;
        }

        // One read per site at a time. A site known as direct keeps that answer while another caller reads it again (it
        // is at most one query older than the answer that caller gets); a site never asked about waits for the read.
        var mine = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = asking.GetOrAdd(siteId, mine.Task);
        if (!ReferenceEquals(shared, mine.Task))
        {
            return !known && await shared.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            // Not the caller's token: the read is shared, and another caller may still wait for it.
            var agent = (await registry.ListAsync(siteId, null, AgentQueries.MaxPageSize, CancellationToken.None).ConfigureAwait(false))
                .FirstOrDefault(a => a.State == AgentState.Approved);
            if (agent is null)
            {
                directUntil[siteId] = time.GetUtcNow() + DirectSiteAge;
            }
            else
            {
                MarkAgentSite(siteId, agent.LastSeenAt);
            }

            mine.SetResult(agent is not null);
        }
        catch (Exception ex)
        {
            mine.SetException(ex);
        }
        finally
        {
            asking.TryRemove(new KeyValuePair<string, Task<bool>>(siteId, mine.Task));
        }

        return await mine.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public SiteInventoryState? Latest(string siteId)
    {
        if (!latest.TryGetValue(siteId, out var kept))
        {
            return null;
        }

        Reports(siteId, out var observation);
        return new SiteInventoryState(kept.Report, observation ?? kept.Observation, kept.Drift);
    }

    /// <inheritdoc/>
    public bool Reports(string siteId, out SiteObservation? observation)
    {
        if (!approved.TryGetValue(siteId, out var registrySeen))
        {
            observation = null;
            return false; // direct mode (or its agent was revoked): the control plane probes it
        }

        var kept = latest.GetValueOrDefault(siteId);
        var remote = elsewhere.GetValueOrDefault(siteId);

        // Heard from: its latest report here or through another replica, the registry's last seen (the agent may be linked
        // to another control plane), or, for a control plane that just started, its start: agents need a moment to link again.
        var heard = Max(Max(Max(kept?.Report.ReceivedAt, remote?.At), registrySeen), startedAt);
        if (SiteReportHealth.IsSilent(heard, time.GetUtcNow(), options.Value.SilentAfter))
        {
            observation = silent.TryGetValue(siteId, out var known) && known.CheckedAt == heard
                ? known
                : silent[siteId] = SiteReportHealth.Silent(heard);
            return true;
        }

        observation = remote is not null && (kept is null || remote.At > kept.Report.ReceivedAt) ? remote.Observation : kept?.Observation;
        return true;
    }

    /// <summary>Reads the registry's approved agents now (the background refresh does so every <see cref="RegistryRefresh"/>).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var sites = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
        long? after = null;
        while (true)
        {
            var page = await registry.ListAsync(null, after, AgentQueries.MaxPageSize, cancellationToken).ConfigureAwait(false);
            foreach (var agent in page.Where(a => a.State == AgentState.Approved))
            {
                sites[agent.SiteId] = agent.LastSeenAt;
            }

            if (page.Count < AgentQueries.MaxPageSize)
            {
                break;
            }

            after = page[^1].Seq;
        }

        approved = sites.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A missed signal needs nothing dropped: the next report replaces it, and a silent site is judged by when it was heard.
        using var subscription = signals.Subscribe(ReplicaSignalNames.SiteReport, Signalled, static () => { });
        using var timer = new PeriodicTimer(RegistryRefresh, time);
        try
        {
            do
            {
                try
                {
                    await RefreshAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The store is unavailable: keep what was read last and try again at the next tick.
                    LogRefreshFailed(logger, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Tells the other replicas the health a report here showed; a site too large for one signal is left to the registry's last seen.</summary>
    private void Share(string site, SiteObservation observation)
    {
        var payload = JsonSerializer.Serialize(new SharedHealth(site, observation));
        if (System.Text.Encoding.UTF8.GetByteCount(payload) + ReplicaSignalNames.SiteReport.Length <= IReplicaSignals.MaxLength)
        {
            signals.Publish(ReplicaSignalNames.SiteReport, payload);
        }
    }

    /// <summary>Keeps the health another replica's linked agent reported (this replica's own report comes back too, and is kept the same).</summary>
    private void Signalled(string payload)
    {
        if (JsonSerializer.Deserialize<SharedHealth>(payload) is { Site.Length: > 0 } shared && shared.Observation is not null)
        {
            MarkAgentSite(shared.Site, null);
            elsewhere[shared.Site] = new Heard(shared.Observation, time.GetUtcNow());
        }
    }

    /// <summary>
    /// The site is in agent mode before the registry is read again: a linked agent's report proves it (its key is on
    /// chain), or the registry was just asked about the site.
    /// </summary>
    private void MarkAgentSite(string site, DateTimeOffset? lastSeen)
    {
        directUntil.TryRemove(site, out _);
        var current = approved;
        if (!current.ContainsKey(site))
        {
            approved = current.Append(new KeyValuePair<string, DateTimeOffset?>(site, lastSeen)).ToFrozenDictionary(StringComparer.Ordinal);
        }
    }

    /// <summary>The report as the control plane keeps it: nothing in it decides which site it is, VMs without a resource id are dropped.</summary>
    internal static SiteReport ToReport(string site, Inventory report, DateTimeOffset receivedAt)
    {
        var takenAt = report.TakenAtUnixMs is > 0 and < 253402300800000 ? DateTimeOffset.FromUnixTimeMilliseconds(report.TakenAtUnixMs) : receivedAt;
        var reachable = report.HypervisorReachable;
        var nodes = reachable
            ? report.Nodes.Where(n => !string.IsNullOrWhiteSpace(n.Name))
                .Select(n => new ReportedNode(Cut(n.Name), n.Online, Math.Max(0, n.Cpus), double.IsFinite(n.CpuLoad) ? Math.Clamp(n.CpuLoad, 0, 1) : 0,
                    Math.Max(0, n.MemoryBytes), Math.Max(0, n.MemoryUsedBytes), Math.Max(0, n.DiskBytes), Math.Max(0, n.DiskUsedBytes)))
                .DistinctBy(n => n.Name, StringComparer.Ordinal).ToList()
            : [];
        var vms = reachable
            ? report.Vms.Where(v => !string.IsNullOrWhiteSpace(v.ResourceId))
                .Select(v => new ReportedVm(Cut(v.ResourceId.Trim()), Cut(v.Node), v.VmId, Cut(v.Status), Cut(v.Name)))
                .ToList()
            : [];
        var error = string.IsNullOrWhiteSpace(report.Error) ? null : Cut(report.Error);
        return new SiteReport(site, takenAt, receivedAt, reachable, error, nodes, vms);
    }

    private static string Cut(string? text) => text is null ? string.Empty : text.Length <= MaxText ? text : text[..MaxText];

    private static DateTimeOffset Max(DateTimeOffset? a, DateTimeOffset? b) =>
        (a, b) switch
        {
            ({ } x, { } y) => x > y ? x : y,
            ({ } x, null) => x,
            (null, { } y) => y,
            _ => DateTimeOffset.MinValue,
        };

    /// <summary>A site's health as signalled between replicas.</summary>
    private sealed record SharedHealth(string Site, SiteObservation Observation);

    /// <summary>A health reported through another replica, and when it arrived here.</summary>
    private sealed record Heard(SiteObservation Observation, DateTimeOffset At);

    /// <summary>A site's latest report with its health and the drift it showed.</summary>
    private sealed record Kept(SiteReport Report, SiteObservation Observation, DriftFound Drift);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Site {Site} sent an inventory taken at {TakenAt}, older than the one kept (taken at {KeptTakenAt}): ignored")]
    private static partial void LogOlderReport(ILogger logger, string site, DateTimeOffset takenAt, DateTimeOffset keptTakenAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {Site} inventory differs from the store: {Vanished} verified VMs missing, {Unknown} VMs unknown")]
    private static partial void LogDrift(ILogger logger, string site, int vanished, int unknown);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the approved site agents: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
