using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Sankofa.Core.Provisioning;
using Sankofa.Ledger.Gateway;
using Sankofa.Proxmox.Provisioning;

namespace Sankofa.Server.Tracing;

/// <summary>
/// Wires OpenTelemetry traces when configured (<see cref="TracingOptions"/>): the API's requests, the libraries' own
/// spans (placement, reconcile rounds, Proxmox operations, chain transactions), the outbound HTTP calls made inside
/// them, exported over OTLP. Unconfigured, nothing is registered: no listener, so every ActivitySource in the libraries
/// returns null and a span costs one check. Log records carry the trace and span ids either way (the JSON console
/// format writes them; docs/tracing.md).
/// </summary>
public static class TracingExtensions
{
    /// <summary>The sources of the spans Sankofa's libraries make.</summary>
    public static readonly IReadOnlyList<string> Sources = [ProvisioningTracing.SourceName, ProxmoxTracing.SourceName, LedgerTracing.SourceName];

    /// <summary>Registers tracing when <see cref="TracingOptions"/> turn it on, and trace ids in every log record.</summary>
    public static WebApplicationBuilder AddSankofaTracing(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(TracingOptions.Section);
        builder.Services.AddOptions<TracingOptions>().Bind(section)
            .Validate(o => o.SamplingRatio is >= 0 and <= 1, "Tracing:SamplingRatio must be between 0 and 1.")
            .Validate(o => o.OtlpEndpoint is null || o.OtlpEndpoint is { IsAbsoluteUri: true, Scheme: "http" or "https" },
                "Tracing:OtlpEndpoint must be an absolute http or https URL (e.g. http://otel-collector:4317).")
            .Validate(o => o.Protocol is null || ExportProtocol(o.Protocol) is not null, "Tracing:Protocol must be grpc or http/protobuf.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ServiceName), "Tracing:ServiceName must not be empty.")
            .ValidateOnStart();

        // Log records written inside a span carry its ids; the JSON console format writes them as its first scope.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        builder.Services.Configure<JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);

        var options = section.Get<TracingOptions>() ?? new TracingOptions();
        var endpointConfigured = options.OtlpEndpoint is not null || !string.IsNullOrWhiteSpace(builder.Configuration[TracingOptions.StandardEndpointVariable]);
        if (!(options.Enabled ?? endpointConfigured))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing =>
            {
                tracing.SetSampler(new BackgroundCallSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(Math.Clamp(options.SamplingRatio, 0, 1)))))
                    .AddSource([.. Sources])
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        o.RecordException = true;
                        // Probes and scrapes come every few seconds and would bury the requests worth reading.
                        o.Filter = context => !IsProbe(context.Request.Path);
                    })
                    .AddHttpClientInstrumentation(o => o.RecordException = true);
                if (endpointConfigured)
                {
                    tracing.AddOtlpExporter(o => ConfigureExporter(o, options));
                }
            });
        return builder;
    }

    private static void ConfigureExporter(OtlpExporterOptions exporter, TracingOptions options)
    {
        if (options.Protocol is { } name && ExportProtocol(name) is { } protocol)
        {
            exporter.Protocol = protocol;
        }

        if (options.OtlpEndpoint is { IsAbsoluteUri: true } endpoint)
        {
            // Set in code, the endpoint is used as is: over HTTP the signal's path must be part of it.
            exporter.Endpoint = exporter.Protocol == OtlpExportProtocol.HttpProtobuf && endpoint.AbsolutePath == "/"
                ? new Uri(endpoint, "v1/traces")
                : endpoint;
        }
    }

    private static OtlpExportProtocol? ExportProtocol(string name) => name.ToLowerInvariant() switch
    {
        "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" or "httpprotobuf" => OtlpExportProtocol.HttpProtobuf,
        _ => null,
    };

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
}
