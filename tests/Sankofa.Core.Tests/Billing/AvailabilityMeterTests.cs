using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Audit;
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
        var eleven = new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.Zero);
        var hours = new[]
        {
            new AvailabilityHour("vm-b", "acme", "web", eleven, 1800, 0),
            new AvailabilityHour("vm-a", "acme", "web", eleven, 3600, 600),
            new AvailabilityHour("vm-c", "zeta", "db", eleven, 3600, 0),
            new AvailabilityHour("vm-a", "acme", "web", eleven.AddHours(1), 3600, 0),
        };

        // One entry per tenant and hour, oldest hour first, rows in resource order.
        var seals = AvailabilitySeal.Events(hours);
        Assert.Equal(
            [
                """{"tenantId":"acme","hourStart":1772362800,"resources":[["vm-a",3600,600],["vm-b",1800,0]]}""",
                """{"tenantId":"zeta","hourStart":1772362800,"resources":[["vm-c",3600,0]]}""",
                """{"tenantId":"acme","hourStart":1772366400,"resources":[["vm-a",3600,0]]}""",
            ], seals.Select(s => s.Event.Payload));
        Assert.All(seals, s => Assert.Equal(("sla-probe", "sla.availability.hours"), (s.Event.Actor, s.Event.Action)));
        Assert.Equal(["tenant:acme", "tenant:zeta", "tenant:acme"], seals.Select(s => s.Event.Subject));
        Assert.Equal([hours[1], hours[0]], seals[0].Records);
        Assert.Equal([hours[1] with { ProjectId = "" }, hours[0] with { ProjectId = "" }], AvailabilitySeal.Parse(seals[0].Event.Payload)!); // no project in it
        Assert.Equal(seals[0].Event.Payload, AvailabilitySeal.Payload(seals[0].Records));

        // Only the canonical form parses: a space, rows out of order or twice, a missing or extra field, no rows.
        Assert.Null(AvailabilitySeal.Parse("""{"tenantId":"acme", "hourStart":1772362800,"resources":[["vm-a",3600,600]]}"""));
        Assert.Null(AvailabilitySeal.Parse("""{"tenantId":"acme","hourStart":1772362800,"resources":[["vm-b",1800,0],["vm-a",3600,600]]}"""));
        Assert.Null(AvailabilitySeal.Parse("""{"tenantId":"acme","hourStart":1772362800,"resources":[["vm-a",3600,600],["vm-a",3600,600]]}"""));
        Assert.Null(AvailabilitySeal.Parse("""{"tenantId":"acme","hourStart":1772362800,"resources":[["vm-a",3600]]}"""));
        Assert.Null(AvailabilitySeal.Parse("""{"tenantId":"acme","hourStart":1772362800,"resources":[["vm-a",3600,600,1]]}"""));
        Assert.Null(AvailabilitySeal.Parse("""{"tenantId":"acme","hourStart":1772362800,"resources":[]}"""));
        Assert.Null(AvailabilitySeal.Parse("""{"tenantId":"acme","hourStart":1772362800,"resources":[["vm-a","3600",600]]}"""));

        // A tenant's hour too large for one entry is split at a row, every entry within the audit log's payload limit.
        var many = Enumerable.Range(0, 5_000).Select(i => new AvailabilityHour($"vm-{i:D5}", "acme", "web", eleven, 3600, i)).ToList();
        var split = AvailabilitySeal.Events(many);
        Assert.True(split.Count > 1);
        Assert.All(split, s => Assert.True(s.Event.Payload!.Length <= AuditEventRules.MaxPayloadLength));
        Assert.Equal(many, split.SelectMany(s => AvailabilitySeal.Parse(s.Event.Payload)!).Select(h => h with { ProjectId = "web" }));
        Assert.Equal(["100.0000", "99.9768", "99.5000", "0.0000", "95.0001"], new long[] { 1_000_000, 999_768, 995_000, 0, 950_001 }.Select(SlaReports.Percent));
    }
}
