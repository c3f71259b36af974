using System.Net;
using System.Security.Cryptography;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sankofa.Agent.Protocol;

namespace Sankofa.Agent.Tests.Link;

/// <summary>
/// The control plane's end of the link protocol over real gRPC (HTTP/2 on loopback), played by the test one link at a
/// time: the handshake as the protocol defines it, then whatever the test sends and reads. The agent's half of the work
/// protocol is tested against it while the server's half is written elsewhere.
/// </summary>
public sealed class ScriptedControlPlane : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Channel<Link> links;

    private ScriptedControlPlane(WebApplication app, Channel<Link> links) => (this.app, this.links) = (app, links);

    public Uri Address { get; private set; } = null!;

    public static async Task<ScriptedControlPlane> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var links = Channel.CreateUnbounded<Link>();
        builder.Services.AddSingleton(links);
        var app = builder.Build();
        var plane = new ScriptedControlPlane(app, links);
        app.MapPost("/connect/token", () => Results.Json(new { access_token = "scripted", token_type = "Bearer" }));
        app.MapGrpcService<Service>();
        await app.StartAsync();
        plane.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return plane;
    }

    /// <summary>The next link an agent opens, once welcomed.</summary>
    public async Task<Link> NextLinkAsync() => await links.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>One welcomed link: what the agent sent after the welcome (heartbeats left out), and a way to answer or end it.</summary>
    public sealed class Link(IServerStreamWriter<ControlMessage> writer, IAsyncStreamReader<AgentMessage> reader)
    {
        private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Task Ended => ended.Task;

        public Task SendAsync(ControlMessage message) => writer.WriteAsync(message);

        /// <summary>The agent's next report on this link.</summary>
        public async Task<AgentMessage> NextReportAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await reader.MoveNext(timeout.Token))
            {
                if (reader.Current.BodyCase != AgentMessage.BodyOneofCase.Heartbeat)
                {
                    return reader.Current;
                }
            }

            throw new IOException("The agent closed the link.");
        }

        /// <summary>Ends the call, as a control plane that goes away does.</summary>
        public void End() => ended.TrySetResult();
    }

    private sealed class Service(Channel<Link> links) : AgentLink.AgentLinkBase
    {
        public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
        {
            if (!await requestStream.MoveNext() || requestStream.Current.Hello is null)
            {
                return;
            }

            await responseStream.WriteAsync(new ControlMessage
            {
                Challenge = new Challenge { Nonce = Google.Protobuf.ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)), ChainId = 31337, Registry = "0x" + new string('1', 40) },
            });
            if (!await requestStream.MoveNext() || requestStream.Current.Answer is null)
            {
                return;
            }

            await responseStream.WriteAsync(new ControlMessage { Welcome = new Welcome { Server = "scripted", HeartbeatSeconds = 1 } });
            var link = new Link(responseStream, requestStream);
            await links.Writer.WriteAsync(link);
            await link.Ended.WaitAsync(context.CancellationToken);
        }
    }
}
