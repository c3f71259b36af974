using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Sankofa.Agent.Keys;
using Sankofa.Agent.Protocol;
using Sankofa.Agent.Work;
using Sankofa.Core;

namespace Sankofa.Agent.Link;

/// <summary>
/// The agent's end of the link: it dials out to its control planes in turn (the site listens on no port), signs in with
/// its service account, proves it holds the site's key by signing the control plane's challenge, and then keeps the
/// stream open with heartbeats. When the stream breaks it tries again, with doubling delays and jitter, moving on to the
/// next control plane after each failure, so work resumes wherever it reconnects. Work orders go to the
/// <see cref="WorkRunner"/>, which runs them whether or not the link stays up; its reports go through the
/// <see cref="ReportOutbox"/>, re-sent after every welcome until acked.
/// </summary>
public sealed partial class AgentLinkClient
{
    private readonly AgentLinkClientOptions options;
    private readonly SiteKeys keys;
    private readonly TimeProvider time;
    private readonly ILogger<AgentLinkClient> logger;
    private readonly WorkRunner? work;
    private readonly SiteInventory? inventory;
    private readonly ConcurrentDictionary<WorkOrder, Task> running = new(ReferenceEqualityComparer.Instance);
    private volatile LinkState state = new(LinkStatus.Connecting, null, null);

    /// <summary>Creates the link client.</summary>
    /// <param name="options">Where to connect and as whom.</param>
    /// <param name="keys">The site's key, which answers the challenge (after a rotation the chain records, the new one).</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="work">Runs work orders on the site's hypervisor; without it orders are logged and left for the control plane to send again.</param>
    /// <param name="inventory">Reads the site's inventory; without it none is reported.</param>
    public AgentLinkClient(
        AgentLinkClientOptions options, SiteKeys keys, TimeProvider time, ILogger<AgentLinkClient> logger, WorkRunner? work = null, SiteInventory? inventory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        (this.options, this.keys, this.time, this.logger, this.work, this.inventory) = (options, keys, time, logger, work, inventory);
        Outbox = ReportOutbox.Create(options.OutboxCapacity, time, options.OutboxDirectory);
    }

    /// <summary>The reports not yet acked by a control plane.</summary>
    public ReportOutbox Outbox { get; }

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

        // Work that was running stops with the agent; its orders come again from the control plane.
        await Task.WhenAll(running.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        state = new LinkState(LinkStatus.Stopped, null, null);
    }

    private async Task ConnectOnceAsync(Uri server, Action connected, CancellationToken cancellationToken)
    {
        // A rotation approved since the last link (which the control plane then ended) is taken up before signing in. A
        // chain that cannot be read now leaves the current key: the link may still be the way to learn more.
        try
        {
            await keys.SwitchIfRotatedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LightClient.ChainRpcException or LightClient.ChainVerificationException)
        {
            LogRotationUnknown(logger, ex.Message);
        }

        var siteKey = keys.Current;

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
        // gRPC allows one write at a time on a stream: heartbeats and reports take turns.
        using var writer = new SemaphoreSlim(1, 1);
        async Task WriteAsync(AgentMessage message)
        {
            await writer.WaitAsync(stop.Token).ConfigureAwait(false);
            try
            {
                await call.RequestStream.WriteAsync(message, stop.Token).ConfigureAwait(false);
            }
            finally
            {
                writer.Release();
            }
        }

        var reading = ReadAfterWelcomeAsync(call.ResponseStream, cancellationToken, stop.Token);
        var sending = SendReportsAsync(WriteAsync, stop.Token);
        var reporting = ReportInventoryAsync(stop.Token);
        var sequence = 0UL;
        try
        {
            var every = TimeSpan.FromSeconds(Math.Max(1, welcome.HeartbeatSeconds));
            while (!reading.IsCompleted && !sending.IsCompleted)
            {
                await WriteAsync(new AgentMessage { Heartbeat = new Heartbeat { Sequence = ++sequence } }).ConfigureAwait(false);
                Beat();
                await Task.WhenAny(reading, sending, Task.Delay(every, time, stop.Token)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            // Surfaces the reason the stream ended.
            await (reading.IsCompleted ? reading : sending).ConfigureAwait(false);
            throw new IOException("The control plane closed the link.");
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(reading, sending, reporting).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            state = new LinkState(LinkStatus.Connecting, null, "link closed");
        }
    }

    /// <summary>
    /// Reads what the control plane sends after the welcome until the stream ends: acks clear the outbox, work orders
    /// start running (under the agent's lifetime, not the link's: a VM half made is finished, not abandoned, when the link
    /// drops), a refusal ends the link.
    /// </summary>
    private async Task ReadAfterWelcomeAsync(IAsyncStreamReader<ControlMessage> stream, CancellationToken agentStopping, CancellationToken linkClosing)
    {
        while (await stream.MoveNext(linkClosing).ConfigureAwait(false))
        {
            switch (stream.Current.BodyCase)
            {
                case ControlMessage.BodyOneofCase.Refusal:
                    throw new InvalidOperationException("The control plane ended the link: " + stream.Current.Refusal.Reason);
                case ControlMessage.BodyOneofCase.Ack:
                    Outbox.Acknowledge(stream.Current.Ack.Sequence);
                    break;
                case ControlMessage.BodyOneofCase.Work:
                    Start(stream.Current.Work, agentStopping);
                    break;
                default:
                    break;
            }
        }
    }

    private void Start(WorkOrder order, CancellationToken agentStopping)
    {
        if (work is null)
        {
            LogNoRunner(logger, order.WorkId);
            return;
        }

        var task = RunWorkAsync(work, order, agentStopping);
        running[order] = task;
        _ = task.ContinueWith(done => running.TryRemove(order, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RunWorkAsync(WorkRunner runner, WorkOrder order, CancellationToken agentStopping)
    {
        // Off the reading loop, so acks and further orders keep flowing while this one runs.
        await Task.Yield();
        try
        {
            var result = await runner.RunAsync(order, step => Outbox.Add(new AgentMessage { Progress = step }), agentStopping).ConfigureAwait(false);
            if (result is not null)
            {
                Outbox.Add(new AgentMessage { Result = result });
            }
        }
        catch (OperationCanceledException) when (agentStopping.IsCancellationRequested)
        {
            // Stopping: the order is sent again on a later link.
        }
#pragma warning disable CA1031 // A fault in one work item must not end the agent; the control plane sends the order again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogWorkCrashed(logger, order.WorkId, ex);
        }
    }

    /// <summary>Sends every report not acked, oldest first, then each new one as it comes, for as long as the link lives.</summary>
    private async Task SendReportsAsync(Func<AgentMessage, Task> write, CancellationToken linkClosing)
    {
        var sent = 0UL; // nothing yet on this link: what an earlier link sent but nobody acked goes again
        while (true)
        {
            foreach (var report in Outbox.After(sent))
            {
                await write(report).ConfigureAwait(false);
                sent = report.Sequence;
            }

            await Outbox.WaitAfterAsync(sent, linkClosing).ConfigureAwait(false);
        }
    }

    /// <summary>Reports the inventory now and then every <see cref="AgentLinkClientOptions.ReportInterval"/> while the link lives.</summary>
    private async Task ReportInventoryAsync(CancellationToken linkClosing)
    {
        if (inventory is null)
        {
            return;
        }

        while (!linkClosing.IsCancellationRequested)
        {
            Outbox.Add(new AgentMessage { Inventory = await inventory.TakeAsync(linkClosing).ConfigureAwait(false) });
            await Task.Delay(options.ReportInterval, time, linkClosing).ConfigureAwait(false);
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

    /// <summary>Marks <see cref="AgentLinkClientOptions.HeartbeatFile"/> with the time of the heartbeat just sent.</summary>
    private void Beat()
    {
        if (options.HeartbeatFile is not { } file)
        {
            return;
        }

        try
        {
            if (!File.Exists(file))
            {
                File.WriteAllBytes(file, []);
            }

            File.SetLastWriteTimeUtc(file, time.GetUtcNow().UtcDateTime);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The link matters more than its mark: a supervisor then sees the agent as unlinked and says so.
            LogHeartbeatFileFailed(logger, file, ex);
        }
    }

    // Up to a quarter less, so hundreds of agents cut off together do not all come back in the same second.
    private static TimeSpan Jittered(TimeSpan delay) => delay * (0.75 + (Random.Shared.NextDouble() * 0.25));

    [LoggerMessage(Level = LogLevel.Warning, Message = "A rotation's new key waits, but the chain could not tell whether it is the site's key yet ({Reason}); linking with the current key")]
    private static partial void LogRotationUnknown(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Linked to {Server} (control plane {Name})")]
    private static partial void LogConnected(ILogger logger, Uri server, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Work {WorkId} arrived, but this agent runs no work (no hypervisor configured); the control plane will send it again")]
    private static partial void LogNoRunner(ILogger logger, string workId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Work {WorkId} failed unexpectedly; the control plane will send it again")]
    private static partial void LogWorkCrashed(ILogger logger, string workId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The link to {Server} failed; trying again in {Delay}: {Reason}")]
    private static partial void LogRetrying(ILogger logger, Uri server, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not mark the heartbeat file {File}")]
    private static partial void LogHeartbeatFileFailed(ILogger logger, string file, Exception exception);
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
