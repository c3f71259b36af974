using System.Collections.Concurrent;
using System.Threading.Channels;
using Sankofa.Agent.Protocol;
using Sankofa.Core.Agents;
using Sankofa.Core.Provisioning;

namespace Sankofa.Server.AgentLink;

/// <summary>
/// One linked agent's outgoing side: what the control plane sends it goes through one queue, written to the stream by
/// one writer (a gRPC stream takes one write at a time), and the work sent and not yet answered is remembered so it can
/// be sent again and so the agent's progress reports can be told apart from claims about work it never got.
/// </summary>
internal sealed class AgentConnection(string site)
{
    private readonly Channel<ControlMessage> outgoing = Channel.CreateUnbounded<ControlMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, Outstanding> sent = new(StringComparer.Ordinal);

    /// <summary>The site the agent proved to hold the key of.</summary>
    public string Site { get; } = site;

    /// <summary>What waits to be written to the stream.</summary>
    public ChannelReader<ControlMessage> Outgoing => outgoing.Reader;

    /// <summary>Sends a work item unless it was sent on this link since <paramref name="resendBefore"/> (null: unless sent at all).</summary>
    public void Send(SiteWorkItem item, DateTimeOffset now, DateTimeOffset? resendBefore = null)
    {
        var attempt = 0u;
        if (sent.TryGetValue(item.WorkId, out var earlier))
        {
            if (resendBefore is not { } before || earlier.SentAt >= before)
            {
                return;
            }

            attempt = earlier.Attempt + 1;
        }

        sent[item.WorkId] = new Outstanding(item, now, attempt);
        outgoing.Writer.TryWrite(new ControlMessage { Work = Order(item, attempt) });
    }

    /// <summary>Acknowledges the agent's reports up to <paramref name="sequence"/>.</summary>
    public void Ack(ulong sequence) => outgoing.Writer.TryWrite(new ControlMessage { Ack = new Ack { Sequence = sequence } });

    /// <summary>The work item with this id sent on this link and not yet answered, or null.</summary>
    public SiteWorkItem? Sent(string workId) => sent.TryGetValue(workId, out var item) ? item.Item : null;

    /// <summary>Items sent and not answered since <paramref name="before"/>.</summary>
    public IEnumerable<SiteWorkItem> SentBefore(DateTimeOffset before) => sent.Values.Where(o => o.SentAt < before).Select(o => o.Item);

    /// <summary>The work is answered (or withdrawn): not sent again on this link.</summary>
    public void Forget(string workId) => sent.TryRemove(workId, out _);

    /// <summary>Tells the agent why the link ends (it tries again later, or elsewhere), and sends nothing after.</summary>
    public void Refuse(string reason)
    {
        outgoing.Writer.TryWrite(new ControlMessage { Refusal = new Refusal { Reason = reason } });
        outgoing.Writer.TryComplete();
    }

    /// <summary>Nothing more is sent: the link is closing.</summary>
    public void Close() => outgoing.Writer.TryComplete();

    private static WorkOrder Order(SiteWorkItem item, uint attempt)
    {
        var order = item.Order;
        var message = new WorkOrder
        {
            WorkId = item.WorkId,
            ResourceId = item.ResourceId,
            Kind = item.Kind == SiteWorkKind.Provision ? WorkKind.Provision : WorkKind.Delete,
            Spec = new VmSpec
            {
                Vcpu = order.Spec.VCpu, RamMib = order.Spec.RamMiB, DiskGib = order.Spec.DiskGiB, Template = order.Spec.Template,
                CloudInitUser = order.Spec.CloudInitUser ?? string.Empty, Name = order.Name,
            },
            NodeHint = order.Vm?.Node ?? order.NodeHint ?? string.Empty,
            VmIdHint = order.Vm?.VmId ?? 0,
            TemplateVmId = order.TemplateVmId,
            TemplateNode = order.TemplateNode ?? string.Empty,
            Attempt = attempt,
        };
        message.Spec.SshKeys.AddRange(order.Spec.SshKeys);
        return message;
    }

    private sealed record Outstanding(SiteWorkItem Item, DateTimeOffset SentAt, uint Attempt);
}
