using System.Diagnostics.Metrics;

namespace Sankofa.Ledger.Gateway;

/// <summary>
/// Instruments of the <c>Sankofa.Ledger</c> meter (exported by the host's Prometheus endpoint):
/// pending transactions, transactions sent, confirmation latency and errors by kind.
/// </summary>
internal sealed class LedgerMetrics : IDisposable
{
    public const string MeterName = "Sankofa.Ledger";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _confirmation;
    private Func<long> _pending = () => 0;

    public LedgerMetrics(IMeterFactory? meterFactory = null)
    {
        // A factory-created meter belongs to the factory (the DI container), which disposes it.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _sent = _meter.CreateCounter<long>("transactions.sent", "{transaction}", "Transactions accepted by the node (re-broadcasts not counted).");
        _errors = _meter.CreateCounter<long>("errors", "{error}", "Failed RPC calls and rejected or reverted transactions, by kind.");
        _confirmation = _meter.CreateHistogram<double>("transactions.confirmation", "s", "Time from signing to receipt.");
        _meter.CreateObservableGauge("transactions.pending", () => _pending(), "{transaction}", "Transactions queued or in flight (sent, not yet in a block).");
    }

    public void ObservePending(Func<long> pending) => _pending = pending;

    public void Sent(int count = 1) => _sent.Add(count);

    public void Error(string kind) => _errors.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Confirmed(TimeSpan latency) => _confirmation.Record(latency.TotalSeconds);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
