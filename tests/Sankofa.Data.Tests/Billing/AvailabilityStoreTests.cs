using Sankofa.Core.Audit;
using Sankofa.Core.Billing;
using Sankofa.Core.Provisioning;
using Sankofa.Data.Tests.Provisioning;

namespace Sankofa.Data.Tests.Billing;

/// <summary>The availability store against real SQLite and PostgreSQL: steps recorded once, outages kept, complete hours sealed once.</summary>
public sealed class AvailabilityStoreTests
{
    private static readonly DateTimeOffset Now = ProvisioningStoreTests.Now; // 10:30

    public static TheoryData<string> Providers => TestStore.Providers;

    private static DateTimeOffset At(int hour, int minute) => new(2026, 3, 1, hour, minute, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Availability_is_recorded_once_per_mark_kept_per_hour_with_its_outages_and_each_complete_hour_sealed_once(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var (resources, store) = (test.Provisioning, test.Availability);
        var (tenant, project) = await ProvisioningStoreTests.SeedAsync(resources);
        var created = await ProvisioningStoreTests.CreateAsync(resources, tenant, project, ProvisioningStoreTests.NewResource("vm-a"));
        await resources.UpdateResourceAsync(created with { Status = ResourceStatus.Verified, VerifiedAt = Now, MeteredUntil = Now },
            new NewResourceEvent("chain.verified", "v"), null, null, CancellationToken.None);

        async Task<AvailabilitySubject?> SubjectAsync() => (await store.GetMeasurableAsync(0, 100, CancellationToken.None)).SingleOrDefault();
        async Task<bool> ObserveAsync(VmObservation observed, DateTimeOffset at) =>
            await store.RecordAsync(AvailabilityMeter.Measure((await SubjectAsync())!, observed, at)!, CancellationToken.None);

        var first = (await SubjectAsync())!;
        Assert.Equal(("edge-001", true, (DateTimeOffset?)null), (first.SiteId, first.ExpectedUp, first.MeasuredUntil));
        var step = AvailabilityMeter.Measure(first, VmObservation.Up, At(10, 50))!;
        Assert.True(await store.RecordAsync(step, CancellationToken.None));
        Assert.False(await store.RecordAsync(step, CancellationToken.None)); // the mark moved: not twice
        Assert.True(await ObserveAsync(VmObservation.Down, At(11, 10))); // the outage starts
        Assert.Equal(At(11, 10), (await SubjectAsync())!.DownSince);
        Assert.True(await ObserveAsync(VmObservation.Up, At(11, 40))); // and ends

        // 10:30–11:00 up; 11:00–11:40 of which 11:10–11:40 down. The 10:00 hour is complete, 11:00's open.
        Assert.Equal(1, await store.SealCompletedHoursAsync(100, CancellationToken.None));
        Assert.Equal(0, await store.SealCompletedHoursAsync(100, CancellationToken.None));
        var seal = Assert.Single((await test.Audit.ListEntriesAsync(new AuditQuery(Action: AvailabilitySeal.Action, Subject: "tenant:acme"), CancellationToken.None)).Items);
        Assert.Equal("""{"tenantId":"acme","hourStart":1772359200,"resources":[["vm-a",1800,0]]}""", seal.Payload);
        Assert.Equal("sla-probe", seal.Actor);

        var period = (At(10, 0), At(12, 0));
        Assert.Equal([new TenantAvailability("vm-a", "web", 1800 + 2400, 1800, 2, 1)], await store.GetTenantAvailabilityAsync("acme", period.Item1, period.Item2, CancellationToken.None));
        Assert.Empty(await store.GetTenantAvailabilityAsync("acme", At(12, 0), At(13, 0), CancellationToken.None));
        Assert.Empty(await store.GetTenantAvailabilityAsync("globex", period.Item1, period.Item2, CancellationToken.None));
        Assert.Equal([new DownInterval("vm-a", At(11, 10), At(11, 40))], await store.GetDownIntervalsAsync("acme", period.Item1, period.Item2, CancellationToken.None));
        Assert.Empty(await store.GetDownIntervalsAsync("acme", At(11, 40), At(13, 0), CancellationToken.None));
        Assert.Equal("edge-001", (await store.GetSitesAsync(["vm-a", "vm-missing"], CancellationToken.None))["vm-a"]);

        // Down again at 12:10, then deleted: the open outage is still measured once, to end it (an instant long, so
        // dropped), and every hour of a deleted resource is complete.
        Assert.True(await ObserveAsync(VmObservation.Down, At(12, 10)));
        var later = (await resources.GetResourceAsync("vm-a", CancellationToken.None))!;
        await resources.UpdateResourceAsync(later with { Status = ResourceStatus.Deleted, DeletedAt = At(12, 15) }, new NewResourceEvent("deleted", "d"), null, null, CancellationToken.None);
        var deleted = (await SubjectAsync())!;
        Assert.False(deleted.ExpectedUp);
        Assert.True(await ObserveAsync(VmObservation.Down, At(12, 20)));
        Assert.Null(await SubjectAsync());
        Assert.Equal(2, await store.SealCompletedHoursAsync(100, CancellationToken.None));
        Assert.Equal([new DownInterval("vm-a", At(11, 10), At(11, 40))], await store.GetDownIntervalsAsync("acme", At(10, 0), At(13, 0), CancellationToken.None));
        var all = await store.GetTenantAvailabilityAsync("acme", At(10, 0), At(13, 0), CancellationToken.None);
        Assert.Equal(new TenantAvailability("vm-a", "web", 1800 + 3600 + 600, 1800, 3, 3), Assert.Single(all));
    }
}
