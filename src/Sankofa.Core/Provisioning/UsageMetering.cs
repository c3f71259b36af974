namespace Sankofa.Core.Provisioning;

/// <summary>
/// Records the usage of every Verified resource up to now (or its deletion), hour by hour, in the store; then seals each
/// hour that is complete into the audit log (<see cref="UsageSeal"/>).
/// </summary>
/// <param name="store">Where usage lives (and which resources still need metering).</param>
/// <param name="time">The clock; usage is measured against it.</param>
public sealed class UsageMetering(IUsageStore store, TimeProvider time)
{
    private const int SealPage = 5_000;

    /// <summary>One metering round; returns how many resources got new usage.</summary>
    public async Task<int> MeterAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var metered = 0;
        while (true)
        {
            var batch = await store.GetUnmeteredAsync(now, 500, cancellationToken).ConfigureAwait(false);
            var progressed = 0;
            foreach (var resource in batch)
            {
                var (records, until) = UsageMeter.Meter(resource, now);
                if (records.Count == 0)
                {
                    continue;
                }

                await store.RecordUsageAsync(resource.Id, records, resource.MeteredUntil, until, cancellationToken).ConfigureAwait(false);
                progressed++;
            }

            metered += progressed;
            // A full batch may hide more behind it; a batch without progress would only repeat itself.
            if (batch.Count < 500 || progressed == 0)
            {
                break;
            }
        }

        // Hours now complete go into the audit log, to be sealed and anchored with it (docs/billing.md); pages large
        // enough that a tenant's hour rarely straddles two of them (it would take two entries).
        while (await store.SealCompletedHoursAsync(SealPage, cancellationToken).ConfigureAwait(false) == SealPage)
        {
        }

        return metered;
    }
}
