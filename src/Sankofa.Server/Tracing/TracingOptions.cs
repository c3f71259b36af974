namespace Sankofa.Server.Tracing;

/// <summary>
/// OpenTelemetry traces (configuration section <c>Tracing</c>; docs/tracing.md). Off unless an OTLP endpoint is
/// configured here or in the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, or <see cref="Enabled"/> says so.
/// </summary>
public sealed class TracingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Tracing";

    /// <summary>The standard variable the OTLP exporter reads when <see cref="OtlpEndpoint"/> is not set.</summary>
    public const string StandardEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Null (the default): on exactly when an OTLP endpoint is configured. True without an endpoint records spans for
    /// exporters added in code only (a test's in-memory exporter); false turns tracing off whatever is configured.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>Where spans go (an OpenTelemetry Collector, Tempo, Jaeger): e.g. <c>http://otel-collector:4317</c> for gRPC.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>
    /// <c>grpc</c> (the default, port 4317) or <c>http/protobuf</c> (port 4318; <c>/v1/traces</c> is added to an endpoint
    /// without a path). Unset, the exporter's own setting (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c>) stands.
    /// </summary>
    public string? Protocol { get; set; }

    /// <summary>
    /// Share of new traces recorded, 0–1 (default 1: every trace). A request arriving with a W3C <c>traceparent</c>
    /// follows its caller's decision instead, so one trace is never half recorded.
    /// </summary>
    public double SamplingRatio { get; set; } = 1.0;

    /// <summary>The <c>service.name</c> resource attribute the spans carry (default <c>sankofa-server</c>).</summary>
    public string ServiceName { get; set; } = "sankofa-server";
}
