using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Fakes;

/// <summary>The sites' last probes, as a test sets them; a site without one is unprobed.</summary>
internal sealed class FakeSiteHealth : ISiteHealth
{
    /// <summary>The last probe per site id.</summary>
    public Dictionary<string, SiteObservation> Observations { get; } = new(StringComparer.Ordinal);

    public SiteObservation? Observe(string siteId) => Observations.GetValueOrDefault(siteId);
}
