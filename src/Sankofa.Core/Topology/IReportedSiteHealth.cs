namespace Sankofa.Core.Topology;

/// <summary>
/// Health of the sites that report it themselves, through their own agent, instead of being probed by the control
/// plane (which may not be able to reach them: an agent's site listens on no port).
/// </summary>
public interface IReportedSiteHealth
{
    /// <summary>
    /// Whether <paramref name="siteId"/> reports its own health. When it does, <paramref name="observation"/> is what its
    /// reports say now (down once its agent has been silent too long; null while nothing is known yet) and the control
    /// plane must not probe the site.
    /// </summary>
    bool Reports(string siteId, out SiteObservation? observation);
}
