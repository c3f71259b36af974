using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Sankofa.Agent.Keys;
using Sankofa.Agent.Protocol;
using Sankofa.Core;

namespace Sankofa.Agent.Link;

/// <summary>
/// The agent's end of the link: it dials out to its control planes in turn (the site listens on no port), signs in with
/// its service account, proves it holds the site's key by signing the control plane's challenge, and then keeps the
/// stream open with heartbeats. When the stream breaks it tries again, with doubling delays and jitter, moving on to the
/// next control plane after each failure, so work resumes wherever it reconnects.
/// </summary>
public sealed partial class AgentLinkClient(AgentLinkClientOptions options, SiteKey siteKey, TimeProvider time, ILogger<AgentLinkClient> logger)
{
    private volatile LinkState state = new(LinkStatus.Connecting, null, null);

    /// <summary>Where the link stands now.</summary>
    public LinkState State => state;

    /// <summary>
    /// Keeps the link up until <paramref name="cancellationToken"/> is cancelled. A refusal (a key not yet approved, a
    /// token without the site's role) is tried again like any failure: an operator may put it right meanwhile.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (options.Servers.Count == 0)
        {
            throw new InvalidOperationException("No control plane to connect to: give at least one server.");
        }

        var failures = 0;
        for (var next = 0; !cancellationToken.IsCancellationRequested; next = (next + 1) % options.Servers.Count)
        {
            var server = options.Servers[next];
            try
            {
                await ConnectOnceAsync(server, () => failures = 0, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException or JsonException or InvalidOperationException or OperationCanceledException)
            {
                failures++;
                var delay = Jittered(RetryBackoff.Delay(failures, options.MinRetryDelay, options.MaxRetryDelay));
                state = new LinkState(LinkStatus.Connecting, null, ex.Message);
                LogRetrying(logger, server, delay, ex.Message);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        state = new LinkState(LinkStatus.Stopped, null, null);
    }

    private async Task ConnectOnceAsync(Uri server, Action connected, CancellationToken cancellationToken)
    {
        // Everything travels over the link's one HTTP/2 endpoint (a tunnel carries one port): the token too.
        using var http = new HttpClient
        {
            BaseAddress = server, Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var token = await TokenAsync(http, cancellationToken).ConfigureAwait(false);

        using var channel = GrpcChannel.ForAddress(server);
        var client = new Protocol.AgentLink.AgentLinkClient(channel);
        using var call = client.Connect(new Metadata { { "Authorization", "Bearer " + token } }, cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = new Hello { Site = options.Site, KeyAddress = siteKey.Address, Version = options.Version } }, cancellationToken)
            .ConfigureAwait(false);

        var challenge = (await ReadAsync(call.ResponseStream, cancellationToken).ConfigureAwait(false)).Challenge
                        ?? throw new InvalidOperationException("The control plane sent no challenge.");
        var digest = LinkProof.Digest(challenge.ChainId, challenge.Registry, options.Site, challenge.Nonce.Span);
        await call.RequestStream.WriteAsync(new AgentMessage { Answer = new ChallengeAnswer { Signature = ByteString.CopyFrom(siteKey.Sign(digest)) } }, cancellationToken)
            .ConfigureAwait(false);
        var welcome = (await ReadAsync(call.ResponseStream, cancellationToken).ConfigureAwait(false)).Welcome
                      ?? throw new InvalidOperationException("The control plane did not welcome the agent.");

        connected();
        state = new LinkState(LinkStatus.Connected, server, null);
        LogConnected(logger, server, welcome.Server);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = DrainAsync(call.ResponseStream, stop.Token);
        var sequence = 0UL;
        try
        {
            var every = TimeSpan.FromSeconds(Math.Max(1, welcome.HeartbeatSeconds));
            while (!reading.IsCompleted)
            {
                await call.RequestStream.WriteAsync(new AgentMessage { Heartbeat = new Heartbeat { Sequence = ++sequence } }, cancellationToken).ConfigureAwait(false);
                await Task.WhenAny(reading, Task.Delay(every, time, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            await reading.ConfigureAwait(false); // surfaces the reason the stream ended
            throw new IOException("The control plane closed the link.");
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            state = new LinkState(LinkStatus.Connecting, null, "link closed");
        }
    }

    /// <summary>Reads what the control plane sends after the welcome (work, in a later version) until the stream ends.</summary>
    private static async Task DrainAsync(IAsyncStreamReader<ControlMessage> stream, CancellationToken cancellationToken)
    {
        while (await stream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            if (stream.Current.Refusal is { } refusal)
            {
                throw new InvalidOperationException("The control plane ended the link: " + refusal.Reason);
            }
        }
    }

    private static async Task<ControlMessage> ReadAsync(IAsyncStreamReader<ControlMessage> stream, CancellationToken cancellationToken)
    {
        if (!await stream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            throw new IOException("The control plane closed the link during the handshake.");
        }

        return stream.Current.Refusal is { } refusal
            ? throw new InvalidOperationException("The control plane refused the agent: " + refusal.Reason)
            : stream.Current;
    }

    private async Task<string> TokenAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(new Uri("connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = options.ClientId, ["client_secret"] = options.ClientSecret, ["scope"] = "sankofa",
        }), cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        return body.TryGetProperty("access_token", out var token) && token.GetString() is { } value
            ? value
            : throw new InvalidOperationException($"The issuer gave no token to {options.ClientId}: {body}");
    }

    // Up to a quarter less, so hundreds of agents cut off together do not all come back in the same second.
    private static TimeSpan Jittered(TimeSpan delay) => delay * (0.75 + (Random.Shared.NextDouble() * 0.25));

    [LoggerMessage(Level = LogLevel.Information, Message = "Linked to {Server} (control plane {Name})")]
    private static partial void LogConnected(ILogger logger, Uri server, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The link to {Server} failed; trying again in {Delay}: {Reason}")]
    private static partial void LogRetrying(ILogger logger, Uri server, TimeSpan delay, string reason);
}

/// <summary>Where an agent's link stands.</summary>
public enum LinkStatus
{
    /// <summary>Not linked; trying.</summary>
    Connecting,

    /// <summary>Linked to a control plane.</summary>
    Connected,

    /// <summary>Stopped.</summary>
    Stopped,
}

/// <summary>The link's state.</summary>
/// <param name="Status">Where it stands.</param>
/// <param name="Server">The control plane it is linked to, when connected.</param>
/// <param name="LastError">Why the last attempt failed, if it did.</param>
public sealed record LinkState(LinkStatus Status, Uri? Server, string? LastError);
