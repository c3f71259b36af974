using Sankofa.Core.Provisioning;

namespace Sankofa.Core.Tests.Provisioning;

/// <summary>Metering in whole unit-seconds: both ends taken down to the second, so rounds add up exactly.</summary>
public sealed class UsageMeterTests
{
    private static readonly DateTimeOffset Hour = new(2027, 1, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Usage_is_split_at_clock_hours_in_whole_unit_seconds_and_successive_rounds_add_up_to_the_whole()
    {
        var spec = new ResourceSpec(2, 3072, 20, "debian-12-cloud", [], null);
        var resource = new Resource("vm-m", 0, "t", "p", "vm-m", spec, SpecHash.Of(spec), DesiredState.Present, ResourceStatus.Verified, null,
            new PlacementExplanation("edge-001", "Edge 1", "edge", "NG", "host-1", null, null, 1, "test", null, null, []),
            null, 0, Hour, Hour, Hour, null, null, null, null, 0) with { VerifiedAt = Hour.AddMinutes(50).AddMilliseconds(700) };

        var (first, until) = UsageMeter.Meter(resource, Hour.AddMinutes(70).AddMilliseconds(300));
        var (second, end) = UsageMeter.Meter(resource with { MeteredUntil = until }, Hour.AddMinutes(130).AddMilliseconds(999));

        Assert.Equal(Hour.AddMinutes(70), until); // on a whole second
        Assert.Equal([(Hour, 600L), (Hour.AddHours(1), 600L)], first.Select(u => (u.HourStart, u.Seconds)));
        Assert.Equal((1_200L, 3072L * 600, 20L * 600), (first[1].VCpuSeconds, first[1].RamMiBSeconds, first[1].DiskGiBSeconds));
        Assert.Equal(Hour.AddMinutes(130), end);
        Assert.Equal(4_800L, first.Concat(second).Sum(u => u.Seconds)); // 09:50:00 to 11:10:00, nothing lost or counted twice
        Assert.Equal(2 * 4_800L, first.Concat(second).Sum(u => u.VCpuSeconds));
    }
}
