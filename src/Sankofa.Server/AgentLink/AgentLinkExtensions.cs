using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Sankofa.Server.AgentLink;

/// <summary>Wires the site agents' link: its own HTTP/2 endpoint, the gRPC service on it, and where agents find it.</summary>
internal static class AgentLinkExtensions
{
    public static WebApplicationBuilder AddAgentLink(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AgentLinkOptions>().Bind(builder.Configuration.GetSection(AgentLinkOptions.SectionName))
            .Validate(o => o.Url is null || (Uri.TryCreate(o.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"),
                "AgentLink:Url must be an absolute http:// or https:// URL.")
            .Validate(o => o.PublicUrl is null || (Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"),
                "AgentLink:PublicUrl must be an absolute http:// or https:// URL.")
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero && o.HandshakeTimeout > TimeSpan.Zero && o.WorkResendAfter > TimeSpan.Zero && o.MaintainInterval > TimeSpan.Zero,
                "AgentLink:HeartbeatInterval, AgentLink:HandshakeTimeout, AgentLink:WorkResendAfter and AgentLink:MaintainInterval must be positive.")
            .Validate(o => o.SilentAfter > o.HeartbeatInterval, "AgentLink:SilentAfter must be longer than AgentLink:HeartbeatInterval.")
            .ValidateOnStart();
        services.AddGrpc();
        services.AddSingleton<ConnectedAgents>();
        services.AddSingleton<AgentReports>();
        services.AddSingleton<WorkProofs>();
        services.AddSingleton<AgentWorkDelivery>();
        services.AddHostedService(sp => sp.GetRequiredService<AgentWorkDelivery>());
        services.AddSingleton<Core.Provisioning.ISiteWorkQueue, AgentWorkQueue>();
        services.AddSingleton<AgentLinkEndpoint>();
        services.AddSiteInventory();

        if (builder.Configuration[$"{AgentLinkOptions.SectionName}:{nameof(AgentLinkOptions.Url)}"] is { Length: > 0 } link)
        {
            // An endpoint set in code replaces the Urls setting, so the server's own addresses are listened on here too.
            var urls = (builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? "http://localhost:5000")
                .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            builder.WebHost.ConfigureKestrel((context, kestrel) =>
            {
                foreach (var url in urls)
                {
                    Listen(kestrel, url, HttpProtocols.Http1AndHttp2, _ => { });
                }

                var endpoint = kestrel.ApplicationServices.GetRequiredService<AgentLinkEndpoint>();
                Listen(kestrel, link, HttpProtocols.Http2, listen => endpoint.Bound(listen, BindingAddress.Parse(link).Scheme));
            });
        }

        return builder;
    }

    /// <summary>
    /// The link is this server on a second port, and the embedded issuer (without <c>Oidc:Issuer</c>) names the address
    /// a token was asked at as its issuer: a request on the link port is seen as made to the server's first address, so
    /// the agent's token, asked at the API, is valid on the link too.
    /// </summary>
    public static IApplicationBuilder UseAgentLinkHost(this IApplicationBuilder app)
    {
        var endpoint = app.ApplicationServices.GetRequiredService<AgentLinkEndpoint>();
        var server = app.ApplicationServices.GetRequiredService<IServer>();
        HostString? main = null;
        return app.Use((http, next) =>
        {
            // Every request passes here: compare ports only, without building the link's address.
            if (endpoint.Port is { } linkPort && http.Connection.LocalPort == linkPort)
            {
                main ??= server.Features.Get<IServerAddressesFeature>()?.Addresses.Select(a => new Uri(a))
                    .FirstOrDefault(a => a.Port != linkPort) is { } first ? new HostString(first.Authority) : http.Request.Host;
                http.Request.Host = main.Value;
            }

            return next(http);
        });
    }

    public static IEndpointRouteBuilder MapAgentLink(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<AgentLinkService>();
        app.MapSiteInventoryApi();
        app.MapGet("/api/v1/agent-link", (AgentLinkEndpoint endpoint, IOptions<AgentLinkOptions> options) =>
                endpoint.Address is { } address
                    ? Results.Ok(new AgentLinkResponse(options.Value.PublicUrl ?? address.ToString()))
                    : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "This server has no agent link.", detail: "Set AgentLink:Url to serve site agents."))
            .WithName("GetAgentLink").WithTags("Agents")
            .WithSummary("Where site agents connect (gRPC over HTTP/2); 404 when this server serves none.")
            .Produces<AgentLinkResponse>().ProducesProblem(StatusCodes.Status404NotFound)
            .AllowAnonymous(); // agents look it up before they hold a token
        return app;
    }

    private static void Listen(KestrelServerOptions kestrel, string url, HttpProtocols protocols, Action<ListenOptions> bound)
    {
        var address = BindingAddress.Parse(url);
        Action<ListenOptions> configure = listen =>
        {
            listen.Protocols = protocols;
            if (address.Scheme == "https")
            {
                listen.UseHttps();
            }

            bound(listen);
        };
        if (address.Host is "localhost")
        {
            kestrel.ListenLocalhost(address.Port, configure);
        }
        else if (address.Host is "*" or "+" || (IPAddress.TryParse(address.Host, out var any) && any.Equals(IPAddress.Any)))
        {
            kestrel.ListenAnyIP(address.Port, configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(address.Host), address.Port, configure);
        }
    }
}

/// <summary>Where agents connect.</summary>
/// <param name="Url">The link's address (gRPC over HTTP/2).</param>
public sealed record AgentLinkResponse(string Url);

/// <summary>The link's endpoint as bound (with the port Kestrel chose when configured with port 0).</summary>
internal sealed class AgentLinkEndpoint
{
    private ListenOptions? listen;
    private string scheme = "http";

    /// <summary>The link's address once the server listens; null without a link.</summary>
    public Uri? Address => listen?.IPEndPoint is { } endpoint ? new Uri($"{scheme}://{Host(endpoint.Address)}:{endpoint.Port}") : null;

    /// <summary>The link's port once the server listens; null without a link.</summary>
    public int? Port => listen?.IPEndPoint?.Port;

    public void Bound(ListenOptions options, string urlScheme) => (listen, scheme) = (options, urlScheme);

    /// <summary>
    /// An address as a URL's host: every address (0.0.0.0, or <c>[::]</c> where Kestrel listens dual-stack) as the
    /// loopback, which reaches it from this machine; an IPv6 address in brackets.
    /// </summary>
    private static string Host(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "127.0.0.1"
        : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]"
        : address.ToString();
}
