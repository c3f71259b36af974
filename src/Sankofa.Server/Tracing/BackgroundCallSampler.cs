using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Sankofa.Server.Tracing;

/// <summary>
/// Drops outbound HTTP calls that start a trace of their own: the chain gateway's receipt polling, site probes and
/// other background loops call out many times a second, and a trace of one bare HTTP call says nothing. Every call
/// made on behalf of something traced (a request, a reconcile round) has a parent and goes to <paramref name="inner"/>.
/// </summary>
internal sealed class BackgroundCallSampler(Sampler inner) : Sampler
{
    // The name of HttpClient's own activity (System.Net.Http source), before the instrumentation renames it.
    private const string HttpClientActivity = "System.Net.Http.HttpRequestOut";

    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.ParentContext.TraceId == default && samplingParameters.Kind == ActivityKind.Client && samplingParameters.Name == HttpClientActivity
            ? Drop
            : inner.ShouldSample(samplingParameters);
}
