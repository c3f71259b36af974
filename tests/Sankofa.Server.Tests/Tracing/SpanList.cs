using System.Collections.ObjectModel;
using System.Diagnostics;

namespace Sankofa.Server.Tests.Tracing;

/// <summary>The in-memory exporter's list: spans end on many threads while the test reads, so both go through a lock.</summary>
internal sealed class SpanList : Collection<Activity>
{
    private readonly Lock gate = new();

    public IReadOnlyList<Activity> Snapshot()
    {
        lock (gate)
        {
            return [.. this];
        }
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (gate)
        {
            base.InsertItem(index, item);
        }
    }
}
