using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using System.Text.Json.Serialization;
using Prometheus;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Data;
using Sankofa.Ledger;
using Sankofa.Proxmox;
using Sankofa.Server.Agents;
using Sankofa.Server.Billing;
using Sankofa.Server.Hardware;
using Sankofa.Server.Sla;
using Sankofa.Server.Audit;
using Sankofa.Server.GraphQL;
using Sankofa.Server.Identity;
using Sankofa.Server.PersonalData;
using Sankofa.Server.Identity.Access;
using Sankofa.Server.Identity.Credentials;
using Sankofa.Server.AgentLink;
using Sankofa.Server.Identity.Oidc;
using Sankofa.Server.Ledger;
using Sankofa.Server.Monitoring;
using Sankofa.Server.Portal;
using Sankofa.Server.Provisioning;
using Sankofa.Server.Retention;
using Sankofa.Server.Tenancy;
using Sankofa.Server.Topology;
using Sankofa.Server.Tracing;

namespace Sankofa.Server.Hosting;

/// <summary>Composes the server: the store, the chain, the audit log, the API and its operational endpoints.</summary>
public static class SankofaServerExtensions
{
    /// <summary>Registers every service the server needs, from configuration.</summary>
    public static WebApplicationBuilder AddSankofaServer(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        // Before any service writes there: the data directory holds keys, secrets and the chain's control socket.
        var dataDirectory = DataDirectory.Resolve(builder.Configuration[DataDirectory.Key]);
        var tightened = DataDirectoryPermissions.Secure(dataDirectory);
        // The keys behind the portal's and the issuer's cookies and the forms' anti-forgery tokens live in the data
        // directory, not in the user's home: replicas that share it (or a copy of it, docs/operations.md) read each
        // other's cookies and forms, so a load balancer may send a browser's next request to any of them.
        services.AddDataProtection().SetApplicationName("sankofa")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "data-protection")));
        services.AddHostedService<DataProtectionKeyRing>();
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddHttpEdge(builder.Configuration);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        services.AddOpenApi();

        // Export our own meters and the libraries' that tell about the store, the runtime and connections. Per-request
        // instruments are left out: the API's requests are counted by UseHttpMetrics below, and the outbound ones (a
        // provisioning makes some ten Proxmox calls per VM) cost more to record through the adapter than the calls.
        // http.client.open_connections is one of them: it moves between idle and active twice per request.
        // Names must pass `promtool check metrics`: the event counters (older twins of the runtime and HTTP meters)
        // export gauges as `…_total` and `…_count`, and so do the runtime meter's and Npgsql's `*.count` gauges
        // (Npgsql's db.client.connection.count); those are left out.
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressEventCounters = true });
        Metrics.ConfigureMeterAdapter(o => o.InstrumentFilterPredicate = instrument => instrument.Meter.Name switch
        {
            var name when name.StartsWith("Sankofa", StringComparison.Ordinal) => true,
            "System.Runtime" or "Npgsql" => !instrument.Name.EndsWith(".count", StringComparison.Ordinal),
            "Microsoft.EntityFrameworkCore" or "Microsoft.AspNetCore.Server.Kestrel" => true,
            "System.Net.Http" => instrument.Name is "http.client.connection.duration",
            _ => false,
        });
        if (builder.Configuration["Logging:Format"] is { } format && format.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole();
        }

        builder.AddSankofaTracing();

        // Order matters: hosted services start in registration order, so metrics listen, the schema exists and the
        // chain is ready before the anchorer runs and before Kestrel accepts a request.
        services.AddHostedService(sp => new DataDirectoryReport(tightened, sp.GetRequiredService<ILogger<DataDirectoryReport>>()));
        services.AddHostedService<MetricsBootstrap>();
        services.AddSankofaStore(builder.Configuration);
        services.AddHostedService<StartupLock>();
        services.AddSingleton<WorkerLeadership>();
        // Right after the store: its master-key check needs the migrated store and must stop a misconfigured server before the chain starts.
        services.AddSankofaPersonalData(builder.Configuration);
        services.AddSankofaLedger(builder.Configuration);
        services.AddSingleton<Sankofa.Core.Ledger.GovernanceQueries>();
        services.AddChainRpc(builder.Configuration);
        services.AddSankofaAudit(builder.Configuration);
        services.AddSankofaRetention(builder.Configuration);
        Evidence.EvidenceServiceCollectionExtensions.AddSankofaEvidence(services, builder.Configuration);
        services.AddSankofaProvisioning(builder.Configuration);
        services.AddSankofaProxmox(builder.Configuration);
        services.AddSankofaTopology(builder.Configuration);
        services.AddSankofaAgents();
        services.AddSankofaBilling(builder.Configuration);
        services.AddSankofaHardware();
        services.AddSankofaSla(builder.Configuration);
        services.AddSankofaIdentity(builder.Configuration);
        services.AddSankofaGraphQL(builder.Configuration);
        services.AddSankofaCredentials(builder.Configuration);
        services.AddSankofaAccess(builder.Configuration);
        services.AddSankofaOidc(builder.Configuration);
        builder.AddSankofaPortal();
        builder.AddAgentLink();
        services.AddSankofaMonitoring(builder.Configuration);
        return builder;
    }

    /// <summary>Maps the API, health, readiness, metrics and the OpenAPI document.</summary>
    public static WebApplication MapSankofaServer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseHttpEdge();
        app.UseAgentLinkHost();
        app.UseIssuerTransport();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseHttpMetrics();
        app.UseCors();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseMiddleware<CallerMiddleware>();
        app.UseAuthorization();
        // The API's description, and metrics for a scraper on the operators' network, need no token; everything else
        // needs one unless it says otherwise (the fallback policy in AddSankofaAccess).
        app.MapOpenApi().AllowAnonymous();
        app.MapHealthApi();
        app.MapMetrics().AllowAnonymous();

        // Browsers ask every page's host for /favicon.ico (the issuer's pages, its form_post page); behind the fallback
        // policy that was a 401 in the console at each sign-in. Nothing to show, and nothing to refuse.
        app.MapGet("/favicon.ico", () => TypedResults.NoContent()).AllowAnonymous().ExcludeFromDescription();
        app.MapAuditApi();
        app.MapRetentionApi();
        Compliance.ResidencyApi.MapResidencyApi(app);
        Evidence.EvidenceApi.MapEvidenceApi(app);
        app.MapLedgerApi();
        app.MapGovernanceApi();
        app.MapChainRpcApi();
        app.MapTenancyApi();
        app.MapProvisioningApi();
        app.MapSitesApi();
        app.MapAgentsApi();
        app.MapBillingApi();
        app.MapHardwareApi();
        app.MapSlaApi();
        app.MapCredentialsApi();
        app.MapIdentityApi();
        app.MapPersonalDataApi();
        app.MapGraphQLApi();
        app.MapOidcEndpoints();
        app.MapMeApi();
        app.MapSankofaPortal();
        app.MapAgentLink();
        return app;
    }
}
