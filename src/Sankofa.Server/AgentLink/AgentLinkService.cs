using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Sankofa.Agent.Protocol;
using Sankofa.Core.Access;
using Sankofa.Core.Agents;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Ledger;
using Sankofa.Server.Identity.Access;

namespace Sankofa.Server.AgentLink;

/// <summary>
/// The control plane's end of an agent's link. The call's token must hold <c>site-agent@SITE</c> for the site the agent
/// names, and the agent must sign a fresh challenge with the key the chain records for that site
/// (<c>ResourceRegistry.siteKeyOf</c>): a stolen token without the key, or a key for another site, opens nothing.
/// </summary>
internal sealed partial class AgentLinkService(
    ConnectedAgents agents, IAgentStore registry, AgentWorkDelivery delivery, AgentReports reports, SiteInventory inventory, WorkProofs proofs, IResourceLedger ledger, ILedgerStatus chain,
    IOptions<AgentLinkOptions> options, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<AgentLinkService> logger)
    : Sankofa.Agent.Protocol.AgentLink.AgentLinkBase
{
    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
    {
        var settings = options.Value;
        var caller = context.GetHttpContext().Caller();
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        handshake.CancelAfter(settings.HandshakeTimeout);

        var hello = await NextAsync(requestStream, AgentMessage.BodyOneofCase.Hello, handshake.Token) is { } first ? first.Hello : null;
        if (hello is null || string.IsNullOrWhiteSpace(hello.Site))
        {
            await RefuseAsync(responseStream, "The first message must be a Hello naming the site.", StatusCode.InvalidArgument);
            return;
        }

        if (caller is null || !caller.Grants.Contains(new RoleGrant(Roles.SiteAgent, hello.Site)))
        {
            await RefuseAsync(responseStream, $"The token does not hold {Roles.SiteAgent}@{hello.Site}.", StatusCode.PermissionDenied);
            return;
        }

        var status = await chain.GetStatusAsync(context.CancellationToken);
        var nonce = RandomNumberGenerator.GetBytes(32);
        await responseStream.WriteAsync(new ControlMessage
        {
            Challenge = new Challenge { Nonce = Google.Protobuf.ByteString.CopyFrom(nonce), ChainId = (ulong)status.ChainId, Registry = status.ResourceRegistryAddress },
        });
        var answer = await NextAsync(requestStream, AgentMessage.BodyOneofCase.Answer, handshake.Token);
        var signer = answer is null
            ? null
            : SiteSignatures.Signer(LinkProof.Digest((ulong)status.ChainId, status.ResourceRegistryAddress, hello.Site, nonce), answer.Answer.Signature.Span);
        var registered = await ledger.GetSiteKeyAsync(hello.Site, context.CancellationToken);
        if (signer is null || registered is null || !string.Equals(signer, registered, StringComparison.OrdinalIgnoreCase))
        {
            LogRefused(logger, hello.Site, signer ?? "(no valid signature)", registered ?? "(none)");
            await RefuseAsync(responseStream, registered is null
                ? $"Site {hello.Site} has no key on chain: register and approve the agent first."
                : $"The challenge was not signed by the key the chain records for site {hello.Site}.", StatusCode.PermissionDenied);
            return;
        }

        var now = time.GetUtcNow();
        var agent = new ConnectedAgent(hello.Site, registered, hello.Version, Guid.NewGuid().ToString("N"), now, now);
        var link = new AgentConnection(agent.Site);
        agents.Connected(agent, link);
        await registry.SeenAsync(agent.Site, agent.KeyAddress, now, context.CancellationToken);
        LogConnected(logger, agent.Site, agent.KeyAddress, agent.Version);
        // A stopping server lets its links go at once rather than when the last request drains: its API (and /chain/rpc,
        // which the agent reads) stops answering first, and work sent meanwhile could only fail. The agents reconnect,
        // here after the restart or to another control plane.
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var writing = Task.CompletedTask;
        var resending = Task.CompletedTask;
        try
        {
            await responseStream.WriteAsync(new ControlMessage
            {
                Welcome = new Welcome { Server = Environment.MachineName, HeartbeatSeconds = (uint)Math.Max(1, settings.HeartbeatInterval.TotalSeconds) },
            });
            writing = WriteAsync(link, responseStream, closing.Token);
            // Everything open for the site, queued while it was away or sent on an earlier link whose result never came.
            await delivery.SendOpenAsync(link, resendBefore: null, context.CancellationToken);
            resending = MaintainAsync(link, agent.KeyAddress, settings, closing, closing.Token);
            var recorded = now;
            while (await requestStream.MoveNext(closing.Token))
            {
                var seen = time.GetUtcNow();
                agents.Seen(agent, seen);
                // The registry's "last seen" for people and other replicas: a write a minute is plenty for that.
                if (seen - recorded >= TimeSpan.FromMinutes(1))
                {
                    await registry.SeenAsync(agent.Site, agent.KeyAddress, recorded = seen, context.CancellationToken);
                }

                var message = requestStream.Current;
                switch (message.BodyCase)
                {
                    case AgentMessage.BodyOneofCase.Progress:
                        await reports.ProgressAsync(link, message.Progress, context.CancellationToken);
                        break;
                    case AgentMessage.BodyOneofCase.Result:
                        await reports.ResultAsync(link, message.Result, context.CancellationToken);
                        break;
                    case AgentMessage.BodyOneofCase.Inventory:
                        await inventory.ReceiveAsync(agent.Site, message.Inventory, context.CancellationToken);
                        break;
                    default:
                        continue; // heartbeats carry no sequence to acknowledge
                }

                if (message.Sequence > 0)
                {
                    // Stored (or found to be a repeat): the agent may forget it.
                    link.Ack(message.Sequence);
                }
            }
        }
        catch (OperationCanceledException) when (closing.IsCancellationRequested)
        {
            // The agent went away or the server is stopping: it reconnects (here or elsewhere).
        }
        catch (IOException)
        {
            // The connection dropped under the stream.
        }
        finally
        {
            agents.Disconnected(agent);
            agents.Disconnected(link);
            link.Close();
            await closing.CancelAsync();
            await Task.WhenAll(writing, resending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            LogDisconnected(logger, agent.Site);
        }
    }

    /// <summary>
    /// The link's one writer: everything the control plane sends the agent after the welcome goes through it. Provisioning
    /// orders leave with the proof of what the chain holds for them, read for whatever is waiting on every link at once.
    /// </summary>
    private async Task WriteAsync(AgentConnection link, IServerStreamWriter<ControlMessage> stream, CancellationToken cancellationToken)
    {
        var waiting = new List<ControlMessage>();
        while (await link.Outgoing.WaitToReadAsync(cancellationToken))
        {
            while (waiting.Count < WorkProofs.MaxResourcesPerRead && link.Outgoing.TryRead(out var message))
            {
                waiting.Add(message);
            }

            var proving = waiting.Where(m => m.Work is { Kind: WorkKind.Provision or WorkKind.Delete }).Select(m => (m.Work, Proof: proofs.ProveAsync(m.Work.ResourceId))).ToList();
            foreach (var (order, proof) in proving)
            {
                order.Proof = await proof;
            }

            foreach (var message in waiting)
            {
                await stream.WriteAsync(message, cancellationToken);
            }

            waiting.Clear();
        }
    }

    /// <summary>
    /// Keeps the link honest while it lives, every <see cref="AgentLinkOptions.MaintainInterval"/>: work whose result has
    /// not come within <see cref="AgentLinkOptions.WorkResendAfter"/> is sent again (delivery is at least once), and a link
    /// whose key the chain no longer records for the site (rotated or revoked since it linked) is ended: from then on
    /// only the new key, or none, speaks for the site.
    /// </summary>
    private async Task MaintainAsync(AgentConnection link, string key, AgentLinkOptions settings, CancellationTokenSource end, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(settings.MaintainInterval, time, cancellationToken);
                if (await ledger.GetSiteKeyAsync(link.Site, cancellationToken) is not { } current || !string.Equals(current, key, StringComparison.OrdinalIgnoreCase))
                {
                    LogKeyGone(logger, link.Site, key);
                    link.Refuse($"The chain no longer records {key} as site {link.Site}'s key.");
                    await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken); // time for the refusal to be written
                    await end.CancelAsync();
                    return;
                }

                await delivery.SendOpenAsync(link, time.GetUtcNow() - settings.WorkResendAfter, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The link closed.
        }
        catch (Exception ex)
        {
            LogResendFailed(logger, link.Site, ex);
        }
    }

    private static async Task<AgentMessage?> NextAsync(IAsyncStreamReader<AgentMessage> stream, AgentMessage.BodyOneofCase expected, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.MoveNext(cancellationToken) && stream.Current.BodyCase == expected ? stream.Current : null;
        }
        catch (OperationCanceledException)
        {
            return null; // too slow: refused like a wrong answer
        }
    }

    private static async Task RefuseAsync(IServerStreamWriter<ControlMessage> stream, string reason, StatusCode code)
    {
        await stream.WriteAsync(new ControlMessage { Refusal = new Refusal { Reason = reason } });
        throw new RpcException(new Status(code, reason));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {Site} agent connected with key {Key}, version {Version}")]
    private static partial void LogConnected(ILogger logger, string site, string key, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {Site} agent's key {Key} is no longer the site's key on chain; its link is ended")]
    private static partial void LogKeyGone(ILogger logger, string site, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resending site {Site}'s work stopped; the next link sends it again")]
    private static partial void LogResendFailed(ILogger logger, string site, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {Site} agent disconnected")]
    private static partial void LogDisconnected(ILogger logger, string site);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an agent link for site {Site}: signed by {Signer}, the chain records {Registered}")]
    private static partial void LogRefused(ILogger logger, string site, string signer, string registered);
}
