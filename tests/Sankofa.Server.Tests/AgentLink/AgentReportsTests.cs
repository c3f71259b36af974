using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Agent.Protocol;
using Sankofa.Core.Provisioning;
using Sankofa.Server.AgentLink;

namespace Sankofa.Server.Tests.AgentLink;

/// <summary>What a linked agent reports is taken only for its own site's work, against the real store.</summary>
public sealed class AgentReportsTests(AgentLinkFixture fixture) : IClassFixture<AgentLinkFixture>
{
    private static readonly SiteWorkOrder Order = new(new ResourceSpec(1, 1024, 10, "debian-12-cloud", [], null), "vm", null, 9000, null, null);

    [Fact]
    public async Task An_agent_cannot_report_on_another_sites_work_nor_on_work_for_another_resource_and_its_own_result_is_taken_once()
    {
        var work = fixture.Server.Services.GetRequiredService<ISiteWorkStore>();
        var reports = fixture.Server.Services.GetRequiredService<AgentReports>();
        var resource = "vm-" + Guid.NewGuid().ToString("N")[..20];
        var (item, _) = await work.EnqueueAsync("edge-031", resource, SiteWorkKind.Provision, Order, DateTimeOffset.UtcNow, CancellationToken.None);
        var done = new WorkResult
        {
            WorkId = item.WorkId, ResourceId = resource, Outcome = WorkOutcome.Done, Node = "edge-031-h01", VmId = 120,
            Attestation = new Sankofa.Agent.Protocol.SiteAttestation { ObservedSpecHash = ByteString.CopyFrom(new byte[32]), Signature = ByteString.CopyFrom(new byte[65]) },
        };

        // Site B's agent, naming site A's work id: nothing changes.
        await reports.ResultAsync(new AgentConnection("edge-032"), done, CancellationToken.None);
        await reports.ProgressAsync(new AgentConnection("edge-032"), new WorkProgress { WorkId = item.WorkId, ResourceId = resource, Step = "cloning", Message = "lies" }, CancellationToken.None);
        // Site A's agent naming another resource for the same work id: nothing changes either.
        await reports.ResultAsync(new AgentConnection("edge-031"), new WorkResult(done) { ResourceId = "vm-someone-else" }, CancellationToken.None);
        Assert.Equal(SiteWorkState.Open, (await work.GetAsync(item.WorkId, CancellationToken.None))!.State);

        await reports.ResultAsync(new AgentConnection("edge-031"), done, CancellationToken.None);
        await reports.ResultAsync(new AgentConnection("edge-031"), new WorkResult(done) { VmId = 999 }, CancellationToken.None); // a repeat

        var finished = await work.GetAsync(item.WorkId, CancellationToken.None);
        Assert.Equal((SiteWorkState.Finished, SiteWorkOutcome.Done, 120), (finished!.State, finished.Result!.Outcome, finished.Result.Vm!.Value.VmId));
    }
}
