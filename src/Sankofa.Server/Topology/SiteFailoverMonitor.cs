using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.Options;
using Nethereum.Util;
using Sankofa.Core.Ledger;
using Sankofa.Core.Topology;

namespace Sankofa.Server.Topology;

/// <summary>
/// Follows the site failovers decided on chain (ResourceRegistry's <c>SiteFailedOver</c> and <c>SiteRestored</c>, the
/// board's decisions run by its timelock) every <see cref="TopologyOptions.FailoverPollInterval"/>, and serves them to
/// placement and the sites API. The control plane carries a failover out when, and only when, it is on chain: nothing
/// here can start or end one. A decision naming a site outside the catalog, or a site of another tier, is logged and
/// left alone.
/// </summary>
internal sealed partial class SiteFailoverMonitor(
    IGovernanceLedger ledger, SiteCatalog catalog, IOptions<TopologyOptions> options, TimeProvider time, ILogger<SiteFailoverMonitor> logger)
    : BackgroundService, ISiteFailovers
{
    // The chain names sites by keccak-256 of their ids.
    private readonly FrozenDictionary<string, Site> byHash = catalog.Sites.ToFrozenDictionary(
        s => Convert.ToHexStringLower(Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(s.Id))), StringComparer.Ordinal);

    private readonly SemaphoreSlim reading = new(1, 1);
    // Replaced whole on each change, read by placement on other threads.
    private volatile ImmutableDictionary<string, SiteFailover> failovers = ImmutableDictionary<string, SiteFailover>.Empty.WithComparers(StringComparer.Ordinal);
    private long nextBlock;
    private long version;

    public long Version => Interlocked.Read(ref version);

    public SiteFailover? FailoverOf(string siteId) => failovers.GetValueOrDefault(siteId);

    /// <summary>Reads the decisions made since the last read; the poll loop calls it, and tests to catch up at once.</summary>
    internal async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Apply(await ledger.ReadSiteFailoversAsync(nextBlock, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            reading.Release();
        }
    }

    private void Apply(SiteFailoverChanges read)
    {
        var current = failovers;
        foreach (var change in read.Changes)
        {
            if (!byHash.TryGetValue(Convert.ToHexStringLower(change.Site), out var site))
            {
                LogUnknown(logger, Convert.ToHexStringLower(change.Site), change.Transaction);
                continue;
            }

            if (change.To is null)
            {
                current = current.Remove(site.Id);
                LogRestored(logger, site.Id, change.Transaction);
            }
            else if (byHash.GetValueOrDefault(Convert.ToHexStringLower(change.To)) is not { } to || to.Tier != site.Tier)
            {
                // The chain no longer says what an earlier decision said: that one ends too.
                current = current.Remove(site.Id);
                LogRefused(logger, site.Id, Convert.ToHexStringLower(change.To), change.Transaction);
            }
            else
            {
                current = current.SetItem(site.Id, new SiteFailover(site.Id, to.Id, change.Transaction, change.Block));
                LogFailedOver(logger, site.Id, to.Id, change.Transaction);
            }
        }

        nextBlock = read.LastBlock + 1;
        if (!ReferenceEquals(current, failovers))
        {
            failovers = current;
            Interlocked.Increment(ref version);
        }
    }

    public override void Dispose()
    {
        reading.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FailoverPollInterval, time);
        try
        {
            do
            {
                try
                {
                    await CatchUpAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The chain is away, not started yet, or answered oddly: the failovers in force stay as they are until
                    // a read succeeds. Never let it stop the host.
                    LogUnavailable(logger, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Site {SiteId} failed over to {ToSiteId} by the decision in transaction {Transaction}: it takes no new work, which goes to {ToSiteId}")]
    private static partial void LogFailedOver(ILogger logger, string siteId, string toSiteId, string transaction);

    [LoggerMessage(2, LogLevel.Information, "Site {SiteId} restored by the decision in transaction {Transaction}")]
    private static partial void LogRestored(ILogger logger, string siteId, string transaction);

    [LoggerMessage(3, LogLevel.Warning, "A failover in transaction {Transaction} names site 0x{SiteHash}, which is not in the catalog; ignored")]
    private static partial void LogUnknown(ILogger logger, string siteHash, string transaction);

    [LoggerMessage(4, LogLevel.Warning, "A failover of {SiteId} in transaction {Transaction} names 0x{ToHash}, not a site of its tier in the catalog; ignored (the site stays in placement)")]
    private static partial void LogRefused(ILogger logger, string siteId, string toHash, string transaction);

    [LoggerMessage(5, LogLevel.Debug, "Site failovers not read: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
