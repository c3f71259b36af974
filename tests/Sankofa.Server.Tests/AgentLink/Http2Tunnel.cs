using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Sankofa.Server.Tests.AgentLink;

/// <summary>
/// An HTTP/2 reverse proxy (YARP) between an agent and its control plane, as a site's tunnel would be: the agent dials
/// the tunnel, the tunnel dials the server. Disposing it drops every connection at once, as a cut line does.
/// </summary>
internal sealed class Http2Tunnel : IAsyncDisposable
{
    private readonly WebApplication app;

    private Http2Tunnel(WebApplication app, Uri address) => (this.app, Address) = (app, address);

    /// <summary>Where the agent dials.</summary>
    public Uri Address { get; }

    /// <summary>A tunnel to <paramref name="target"/> on <paramref name="port"/> (0: any free port).</summary>
    public static async Task<Http2Tunnel> StartAsync(Uri target, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.Zero);
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "server", Match = new RouteMatch { Path = "{**rest}" } }],
            [
                new ClusterConfig
                {
                    ClusterId = "server",
                    Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal) { ["server"] = new() { Address = target.ToString() } },
                    HttpRequest = new ForwarderRequestConfig { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact },
                },
            ]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new Http2Tunnel(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
