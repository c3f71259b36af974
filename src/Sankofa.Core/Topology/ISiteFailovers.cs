namespace Sankofa.Core.Topology;

/// <summary>
/// Site failovers in force, as decided on chain (by the board, once it governs the contracts): such a site takes no new
/// work, and work asking for it goes to the site that took its role. Nothing here is decided by the control plane.
/// </summary>
public interface ISiteFailovers
{
    /// <summary>Changes whenever a failover starts or ends, so views built from them know to rebuild.</summary>
    long Version { get; }

    /// <summary>The failover of <paramref name="siteId"/> in force, or null.</summary>
    SiteFailover? FailoverOf(string siteId);
}

/// <summary>A site out of placement by an on-chain decision, and the site that took its role.</summary>
/// <param name="SiteId">The site failed over.</param>
/// <param name="ToSiteId">The site that takes its role.</param>
/// <param name="Transaction">The transaction that recorded the decision.</param>
/// <param name="Block">Its block.</param>
public sealed record SiteFailover(string SiteId, string ToSiteId, string Transaction, long Block);
