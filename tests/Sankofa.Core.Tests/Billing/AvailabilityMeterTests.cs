using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Billing;

namespace Sankofa.Core.Tests.Billing;

/// <summary>
/// Observations turned into expected and down seconds per clock hour and into down intervals: the state seen at one
/// probe holds until the next, whole seconds, nothing counted twice, the owner's own actions never an outage.
/// </summary>
public sealed class AvailabilityMeterTests
{
    private static readonly DateTimeOffset Verified = new(2026, 3, 1, 10, 40, 0, 300, TimeSpan.Zero);

    /// <summary>Applies steps to a subject as the store does, and keeps what it recorded.</summary>
    private sealed class Ledger(FakeTimeProvider clock)
    {
        private AvailabilitySubject subject = new("vm-a", 1, "acme", "web", "edge-001", true, Verified, null, null);

        public Dictionary<DateTimeOffset, (long Expected, long Down)> Hours { get; } = [];

        public List<DownInterval> Intervals { get; } = [];

        public void Observe(VmObservation observed, bool expectedUp = true, DateTimeOffset? at = null)
        {
            subject = subject with { ExpectedUp = expectedUp };
            if (AvailabilityMeter.Measure(subject, observed, at ?? clock.GetUtcNow()) is not { } step)
            {
                return;
            }

            Assert.Equal(subject.MeasuredUntil, step.MeasuredFrom);
            foreach (var h in step.Hours)
            {
                var (e, d) = Hours.GetValueOrDefault(h.HourStart);
                Hours[h.HourStart] = (e + h.ExpectedSeconds, d + h.DownSeconds);
            }

            var downSince = subject.DownSince;
            if (step.CloseDownAt is { } close)
            {
                Intervals.Add(new DownInterval("vm-a", downSince!.Value, close));
                downSince = null;
            }

            subject = subject with { MeasuredUntil = step.MeasuredUntil, DownSince = step.OpenDownAt ?? downSince };
        }
    }

    [Fact]
    public void An_outage_counts_from_the_first_probe_that_sees_it_to_the_first_that_sees_the_vm_up_split_at_clock_hours()
    {
        var clock = new FakeTimeProvider(Verified);
        var ledger = new Ledger(clock);

        clock.SetUtcNow(Verified.AddMinutes(10)); // 10:50:00.300, up
        ledger.Observe(VmObservation.Up);
        clock.SetUtcNow(new DateTimeOffset(2026, 3, 1, 10, 55, 0, TimeSpan.Zero)); // stopped: the outage starts here
        ledger.Observe(VmObservation.Down);
        clock.Advance(TimeSpan.FromMinutes(10)); // 11:05, still down
        ledger.Observe(VmObservation.Down);
        clock.Advance(TimeSpan.FromMinutes(5)); // 11:10, running again
        ledger.Observe(VmObservation.Up);
        clock.Advance(TimeSpan.FromMinutes(50)); // 12:00
        ledger.Observe(VmObservation.Up);

        // 10:40:00 (verified, to the second) – 11:00: 1,200 s expected, 10:55–11:00 down; 11:00–11:10 down of 3,600.
        Assert.Equal((1200L, 300L), ledger.Hours[new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero)]);
        Assert.Equal((3600L, 600L), ledger.Hours[new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.Zero)]);
        Assert.Equal(2, ledger.Hours.Count);
        var outage = Assert.Single(ledger.Intervals);
        Assert.Equal(TimeSpan.FromSeconds(900), outage.End!.Value - outage.Start);
        Assert.Equal(ledger.Hours.Values.Sum(h => h.Down), (long)(outage.End.Value - outage.Start).TotalSeconds);
    }

    [Fact]
    public void Time_not_expected_up_is_skipped_and_ends_a_running_outage_and_unknown_or_backward_time_records_nothing()
    {
        var clock = new FakeTimeProvider(Verified.AddMinutes(20)); // 11:00:00.300
        var ledger = new Ledger(clock);
        ledger.Observe(VmObservation.Down); // 10:40–11:00 up, down from 11:00
        clock.Advance(TimeSpan.FromMinutes(10));
        ledger.Observe(VmObservation.Unknown); // nothing known: the time waits
        Assert.Equal((0L, 0L), ledger.Hours.GetValueOrDefault(new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.Zero)));
        clock.Advance(TimeSpan.FromMinutes(10)); // 11:20: down all along
        ledger.Observe(VmObservation.Down);
        clock.Advance(TimeSpan.FromMinutes(10)); // 11:30: the owner resizes it, the VM restarts: no outage
        ledger.Observe(VmObservation.Down, expectedUp: false);
        clock.Advance(TimeSpan.FromMinutes(30)); // 12:00: Verified again and up
        ledger.Observe(VmObservation.Up);
        ledger.Observe(VmObservation.Down, at: clock.GetUtcNow().AddMinutes(-5)); // a clock behind the mark (another server's) adds nothing

        Assert.Equal((1200L, 0L), ledger.Hours[new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero)]);
        // 11:00–11:20 down, 11:20–11:30 skipped (resizing), 11:30–12:00 up.
        Assert.Equal((3000L, 1200L), ledger.Hours[new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.Zero)]);
        var outage = Assert.Single(ledger.Intervals);
        Assert.Equal((new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 1, 11, 20, 0, TimeSpan.Zero)), (outage.Start, outage.End!.Value));
    }

    [Fact]
    public void The_sealed_payload_has_its_fixed_form_parses_back_only_when_canonical_and_percentages_have_four_exact_decimals()
    {
        var hour = new AvailabilityHour("vm-a", "acme", "web", new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.Zero), 3600, 600);
        Assert.Equal("""{"resourceId":"vm-a","tenantId":"acme","hourStart":1772362800,"expectedSeconds":3600,"downSeconds":600}""", AvailabilitySeal.Payload(hour));
        Assert.Equal(("sla-probe", "sla.availability.hour", "resource:vm-a"), (AvailabilitySeal.Event(hour).Actor, AvailabilitySeal.Event(hour).Action, AvailabilitySeal.Event(hour).Subject));
        Assert.Equal(hour with { ProjectId = string.Empty }, AvailabilitySeal.Parse(AvailabilitySeal.Payload(hour))); // the payload names no project
        Assert.Null(AvailabilitySeal.Parse("""{"resourceId":"vm-a", "tenantId":"acme","hourStart":1772362800,"expectedSeconds":3600,"downSeconds":600}"""));
        Assert.Null(AvailabilitySeal.Parse("""{"tenantId":"acme","resourceId":"vm-a","hourStart":1772362800,"expectedSeconds":3600,"downSeconds":600}"""));
        Assert.Equal(["100.0000", "99.9768", "99.5000", "0.0000", "95.0001"], new long[] { 1_000_000, 999_768, 995_000, 0, 950_001 }.Select(SlaReports.Percent));
    }
}
