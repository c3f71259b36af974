using Sankofa.Core.Agents;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Agents;

/// <summary>A site's health from its agent's report, by the probes' rules, and down once the agent is silent.</summary>
public class SiteReportHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static ReportedNode Node(string name, bool online) => new(name, online, 32, 0.2, 256L << 30, 64L << 30, 4L << 40, 1L << 40);

    private static SiteReport Report(bool reachable, params ReportedNode[] nodes) =>
        new("edge-001", Now.AddSeconds(-2), Now, reachable, reachable ? null : "connection refused", nodes, []);

    [Fact]
    public void Every_node_online_is_up_some_is_degraded_none_is_down_and_the_hosts_carry_what_the_agent_reported()
    {
        var up = SiteReportHealth.Observe(Report(true, Node("h0", true), Node("h1", true)));
        var degraded = SiteReportHealth.Observe(Report(true, Node("h0", true), Node("h1", false)));
        var down = SiteReportHealth.Observe(Report(true, Node("h0", false)));
        var empty = SiteReportHealth.Observe(Report(true));

        Assert.Equal((SiteStatus.Up, SiteStatus.Degraded, SiteStatus.Down, SiteStatus.Down), (up.Status, degraded.Status, down.Status, empty.Status));
        Assert.All([up, degraded, down, empty], o => Assert.Equal(ObservationSource.Agent, o.Source));
        Assert.Equal(new HostObservation("h0", true, 32, 256L << 30, 64L << 30), up.Hosts[0]);
        Assert.Equal(Now.AddSeconds(-2), up.CheckedAt);
        Assert.Null(up.Error);
        Assert.Contains("every node offline", down.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_hypervisor_is_down_with_the_agents_reason()
    {
        var observed = SiteReportHealth.Observe(Report(false));

        Assert.Equal(SiteStatus.Down, observed.Status);
        Assert.Contains("connection refused", observed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_report_claiming_to_be_taken_in_the_future_counts_as_taken_when_it_arrived()
    {
        var report = Report(true, Node("h0", true)) with { TakenAt = Now.AddHours(1) };

        Assert.Equal(Now, report.TakenNoLaterThan);
        Assert.Equal(Now, SiteReportHealth.Observe(report).CheckedAt);
    }

    [Fact]
    public void An_agent_is_silent_only_past_the_limit_and_a_silent_site_is_down_with_no_host_up_saying_since_when()
    {
        var limit = TimeSpan.FromSeconds(90);

        Assert.False(SiteReportHealth.IsSilent(Now, Now.AddSeconds(90), limit));
        Assert.True(SiteReportHealth.IsSilent(Now, Now.AddSeconds(91), limit));
        var silent = SiteReportHealth.Silent(Now);
        Assert.Equal((SiteStatus.Down, ObservationSource.Agent), (silent.Status, silent.Source));
        Assert.Empty(silent.Hosts);
        Assert.Equal("The site's agent has been silent since 2026-12-02T12:00:00.0000000+00:00.", silent.Error);
    }
}
