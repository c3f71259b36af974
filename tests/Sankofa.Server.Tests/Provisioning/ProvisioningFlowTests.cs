using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Ledger.Resources;
using Sankofa.Server.Provisioning;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Provisioning;

/// <summary>The provisioning flow over real HTTP, against the Proxmox VE emulator and the embedded chain.</summary>
public sealed class ProvisioningFlowTests(ProvisioningFixture fixture) : IClassFixture<ProvisioningFixture>
{
    private ProvisioningHarness H => fixture.Harness;

    [Fact]
    public async Task A_vm_reaches_Verified_on_chain_and_deleting_it_removes_the_vm_and_records_the_deletion()
    {
        var project = await H.NewProjectAsync();
        var accepted = await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-001"));
        Assert.Equal(ResourceStatus.Requested, accepted.Status);
        Assert.Equal("edge-001", accepted.Placement.SiteId);
        Assert.StartsWith("edge-001-h0", accepted.Placement.HostId, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(accepted.Placement.Reason));

        var verified = await H.WaitForAsync(accepted.Id, ResourceStatus.Verified);
        Assert.True(verified.OnChain!.Verified);
        Assert.Equal(verified.SpecHash, verified.OnChain.SiteAttestation);
        Assert.Equal(verified.SpecHash, verified.OnChain.ControlPlaneAttestation);
        Assert.Equal("0x" + Convert.ToHexStringLower(LedgerIds.Of("edge-001")), verified.OnChain.Site);
        Assert.Equal(
            ["resource.requested", "chain.placed", "vm.provisioning", "chain.provisioned", "chain.verified"],
            verified.Events!.Select(e => e.Kind));
        // Each step keeps the status it reached in the history, though the reconciler stores the placement with the VM id
        // drawn, and the control plane's attestation with the site's, in one write each: two writes after the request.
        Assert.Equal(
            [ResourceStatus.Requested, ResourceStatus.Placed, ResourceStatus.Provisioning, ResourceStatus.Provisioned, ResourceStatus.Verified],
            verified.Events!.Select(e => e.Status));
        Assert.Equal(2, (await H.Server.Services.GetRequiredService<IResourceStore>().GetResourceAsync(accepted.Id, CancellationToken.None))!.Version);
        var vm = Assert.Single(H.VmsOf("edge-001", accepted.Id));
        Assert.Equal(verified.Vm!.VmId, vm);
        Assert.True(H.Emulator.Cluster("edge-001").IsRunning(vm));
        Assert.Equal("2", H.Emulator.Cluster("edge-001").ConfigValue(vm, "cores"));
        Assert.Equal("2048", H.Emulator.Cluster("edge-001").ConfigValue(vm, "memory"));

        // The chain says Verified on its own, without the server: the same read `sankofa vm verify` does.
        var onChain = await H.Server.Services.GetRequiredService<IResourceLedger>().GetAsync(accepted.Id, CancellationToken.None);
        Assert.True(onChain!.Verified);

        var project1 = await H.Client.GetFromJsonAsync<JsonElement>($"api/v1/projects/{project}");
        Assert.Equal(2, project1.GetProperty("usage").GetProperty("vcpu").GetInt32());

        // A resize: refused naming the field when the disk would shrink, else the same VM changed in place and
        // restarted, the new spec recorded on chain and attested by both again, the quota following the new size.
        using (var shrink = await H.Client.PatchAsJsonAsync($"api/v1/resources/{accepted.Id}", new { diskGiB = 10 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, shrink.StatusCode);
            Assert.True((await shrink.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("diskGiB", out _));
        }

        using (var missing = await H.Client.PatchAsJsonAsync("api/v1/resources/vm-none", new { vcpu = 4 }))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using (var resize = await H.Client.PatchAsJsonAsync($"api/v1/resources/{accepted.Id}", new { vcpu = 4, ramMiB = 4096, diskGiB = 30 }))
        {
            Assert.Equal(HttpStatusCode.Accepted, resize.StatusCode);
            Assert.Equal("resizing", (await resize.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }

        var resized = await H.WaitForAsync(accepted.Id, ResourceStatus.Verified, after: "chain.resized");
        Assert.NotEqual(verified.SpecHash, resized.SpecHash);
        Assert.True(resized.OnChain!.Verified);
        Assert.Equal(resized.SpecHash, resized.OnChain.SpecHash);
        Assert.Equal(resized.SpecHash, resized.OnChain.SiteAttestation);
        Assert.Equal(verified.VerifiedAt, resized.VerifiedAt);
        Assert.Equal(
            ["resource.resize-requested", "chain.resized", "vm.stopping", "chain.provisioned", "chain.verified"],
            resized.Events!.Select(e => e.Kind).SkipWhile(k => k != "resource.resize-requested"));
        Assert.Equal(vm, Assert.Single(H.VmsOf("edge-001", accepted.Id)));
        Assert.True(H.Emulator.Cluster("edge-001").IsRunning(vm));
        Assert.Equal("4", H.Emulator.Cluster("edge-001").ConfigValue(vm, "cores"));
        Assert.Equal("4096", H.Emulator.Cluster("edge-001").ConfigValue(vm, "memory"));
        Assert.Contains("size=30G", H.Emulator.Cluster("edge-001").ConfigValue(vm, "scsi0"), StringComparison.Ordinal);
        var project1b = await H.Client.GetFromJsonAsync<JsonElement>($"api/v1/projects/{project}");
        Assert.Equal(4, project1b.GetProperty("usage").GetProperty("vcpu").GetInt32());

        using (var deleted = await H.Client.DeleteAsync($"api/v1/resources/{accepted.Id}"))
        {
            Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        }

        var gone = await H.WaitForAsync(accepted.Id, ResourceStatus.Deleted);
        Assert.Empty(H.VmsOf("edge-001", accepted.Id));
        Assert.Equal(OnChainResourceState.Deleted, gone.OnChain!.State);
        var project2 = await H.Client.GetFromJsonAsync<JsonElement>($"api/v1/projects/{project}");
        Assert.Equal(0, project2.GetProperty("usage").GetProperty("vcpu").GetInt32());

        // Every state change is in the audit log, in order, in the same transactions as the changes.
        var audit = await H.Server.Services.GetRequiredService<IAuditStore>()
            .ListEntriesAsync(new AuditQuery(Subject: "resource:" + accepted.Id, Limit: 100), CancellationToken.None);
        Assert.Equal(
            ["provisioning.resource.requested", "provisioning.resource.placed", "provisioning.resource.provisioning", "provisioning.resource.provisioned",
             "provisioning.resource.verified", "provisioning.resource.resize-requested", "provisioning.resource.resized", "provisioning.resource.provisioned",
             "provisioning.resource.verified", "provisioning.resource.delete-requested", "provisioning.resource.deleting", "provisioning.resource.deleted"],
            audit.Items.Reverse().Select(e => e.Action));
    }

    [Fact]
    public async Task A_failed_clone_is_retried_and_leaves_no_orphan_vm()
    {
        var project = await H.NewProjectAsync();
        H.Emulator.Cluster("edge-002").FailNextTasks("qmclone", "clone failed: storage error", 2);
        var accepted = await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-002", "retried"));

        var verified = await H.WaitForAsync(accepted.Id, ResourceStatus.Verified);
        Assert.Equal(2, verified.Events!.Count(e => e.Kind == "retry.scheduled"));
        Assert.Contains(verified.Events!, e => e.Kind == "retry.scheduled" && e.Message.Contains("clone failed", StringComparison.Ordinal));
        Assert.Single(H.VmsOf("edge-002", accepted.Id));
    }

    [Fact]
    public async Task A_vm_id_another_client_takes_before_the_clone_is_drawn_again_and_nothing_is_orphaned()
    {
        var project = await H.NewProjectAsync();
        // As when two clients draw the same free id from /cluster/nextid and the other one clones first, on another
        // node: asking the clone's own node about the id finds nothing there.
        H.Emulator.Cluster("edge-002").TakeNextCloneId();
        var accepted = await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-002", "second-draw"));
        var verified = await H.WaitForAsync(accepted.Id, ResourceStatus.Verified);

        Assert.Contains(verified.Events!, e => e.Kind == "retry.scheduled" && e.Message.Contains("was taken meanwhile; a new id was drawn", StringComparison.Ordinal));
        Assert.Equal(2, verified.Events!.Count(e => e.Kind == "vm.provisioning"));
        Assert.Single(H.VmsOf("edge-002", accepted.Id));
        Assert.True(verified.OnChain!.Verified);
    }

    [Fact]
    public async Task Usage_is_metered_per_hour_from_Verified()
    {
        var project = await H.NewProjectAsync();
        var accepted = await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-001", "metered", vcpu: 4));
        var verified = await H.WaitForAsync(accepted.Id, ResourceStatus.Verified);

        // Two and a half hours later by a clock the test controls.
        var clock = new FakeTimeProvider(verified.VerifiedAt!.Value.AddHours(2.5));
        var metering = new UsageMetering(H.Server.Services.GetRequiredService<IUsageStore>(), clock);
        await metering.MeterAsync(CancellationToken.None);

        var usage = await H.Client.GetFromJsonAsync<UsageResponse>($"api/v1/resources/{accepted.Id}/usage", Json.Options);
        Assert.Equal(2.5 * 4, usage!.Totals.VcpuHours, 3);
        Assert.Equal(2.5 * 2, usage.Totals.RamGbHours, 3);
        Assert.Equal(2.5 * 20, usage.Totals.DiskGbHours, 3);
        Assert.InRange(usage.Hours.Count, 3, 4);
        Assert.All(usage.Hours, h => Assert.Equal(0, h.HourStart.Minute));

        // The project's usage, summed per hour by the store: the same hours and totals as its one resource's.
        var range = $"from={Uri.EscapeDataString(verified.VerifiedAt!.Value.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(verified.VerifiedAt.Value.AddHours(4).ToString("O"))}";
        var perProject = await H.Client.GetFromJsonAsync<ProjectUsageResponse>($"api/v1/projects/{project}/usage?{range}", Json.Options);
        Assert.Equal(usage.Hours.Select(h => h.HourStart), perProject!.Hours.Select(h => h.HourStart));
        Assert.All(perProject.Hours, h => Assert.Equal(1, h.Resources));
        Assert.Equal(usage.Totals.VcpuHours, perProject.Totals.VcpuHours, 6);
        Assert.Equal(usage.Totals.DiskGbHours, perProject.Totals.DiskGbHours, 6);

        foreach (var (query, field) in new[] { ("from=yesterday", "from"), ("from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", "to"), ("from=2026-03-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from") })
        {
            using var refused = await H.Client.GetAsync($"api/v1/projects/{project}/usage?{query}");
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)refused.StatusCode} {text}");
            Assert.Equal([field], JsonSerializer.Deserialize<JsonElement>(text).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        }

        using var missing = await H.Client.GetAsync("api/v1/projects/p-nope/usage");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_the_fields_named()
    {
        var project = await H.NewProjectAsync();
        var errors = await ProblemAsync(HttpStatusCode.BadRequest, new
        {
            projectId = project, name = "Bad_Name", vcpu = 0, ramMiB = -5, diskGiB = 10_000_000, template = "windows-95",
            sshKeys = new[] { "not a key" }, siteId = "edge-999",
        });
        Assert.Equal(["diskGiB", "name", "ramMiB", "siteId", "sshKeys[0]", "template", "vcpu"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("Unknown template", errors["template"][0], StringComparison.Ordinal);

        // Residency in France with a 20 ms target from Lagos cannot both hold.
        var conflict = await ProblemAsync((HttpStatusCode)422, new
        {
            projectId = project, name = "far", vcpu = 1, ramMiB = 1024, diskGiB = 20, template = "debian-12-cloud",
            userLocation = new { latitude = 6.45, longitude = 3.4 }, maxRttMs = 20, allowedJurisdictions = new[] { "FR" },
        });
        Assert.Contains("allowedJurisdictions", conflict.Keys);
        Assert.Contains("maxRttMs", conflict.Keys);

        var missing = await ProblemAsync(HttpStatusCode.BadRequest, new { projectId = project, name = "x", template = "debian-12-cloud" });
        Assert.Equal(["diskGiB", "ramMiB", "vcpu"], missing.Keys.Order(StringComparer.Ordinal));

        using var malformed = await H.Client.PostAsync("api/v1/resources", new StringContent("{\"vcpu\": \"two\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("vcpu", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var unknown = await H.Client.GetAsync("api/v1/resources/vm-nope");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var unknownDelete = await H.Client.DeleteAsync("api/v1/resources/vm-nope");
        Assert.Equal(HttpStatusCode.NotFound, unknownDelete.StatusCode);
        var noProject = await ProblemAsync(HttpStatusCode.NotFound, ProvisioningHarness.Vm("p-nope", "edge-001"));
        Assert.Contains("projectId", noProject.Keys);
    }

    [Fact]
    public async Task A_request_over_quota_is_refused_naming_the_quota_and_what_is_left()
    {
        var project = await H.NewProjectAsync(vcpu: 3);
        await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-003", "first", vcpu: 2));

        using var response = await H.Client.PostAsJsonAsync("api/v1/resources", ProvisioningHarness.Vm(project, "edge-003", "second", vcpu: 2));
        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var vcpu = problem.GetProperty("errors").GetProperty("quota.vcpu")[0].GetString();
        Assert.Equal($"project {project} quota vcpu exceeded: requested 2, 1 of 3 left", vcpu);
        Assert.Equal(1, problem.GetProperty("quotas")[0].GetProperty("remaining").GetInt32());
    }

    [Fact]
    public async Task The_same_idempotency_key_gives_the_same_resource_and_a_placement_preview_creates_nothing()
    {
        var project = await H.NewProjectAsync();
        var preview = await H.Client.PostAsJsonAsync("api/v1/placements", new
        {
            projectId = project, vcpu = 2, ramMiB = 2048, diskGiB = 20, template = "debian-12-cloud", tier = "edge",
            userLocation = new { latitude = 50.85, longitude = 4.35 },
        });
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var explanation = await preview.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(explanation.GetProperty("siteId").GetString(), ProvisioningHarness.Sites);
        Assert.True(explanation.GetProperty("rejected").GetArrayLength() > 0);
        var listed = await H.Client.GetFromJsonAsync<ResourcePageResponse>($"api/v1/resources?projectId={project}", Json.Options);
        Assert.Empty(listed!.Items);

        var first = await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-003", "once"), idempotencyKey: "order-42");
        var again = await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-003", "once"), idempotencyKey: "order-42");
        Assert.Equal(first.Id, again.Id);
        Assert.True(again.Replayed);
        listed = await H.Client.GetFromJsonAsync<ResourcePageResponse>($"api/v1/resources?projectId={project}&limit=1", Json.Options);
        Assert.Equal(first.Id, Assert.Single(listed!.Items).Id);
        Assert.Null(listed.Next);

        using var other = await H.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/v1/resources")
        {
            Content = JsonContent.Create(ProvisioningHarness.Vm(project, "edge-003", "other")),
            Headers = { { "Idempotency-Key", "order-42" } },
        });
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Contains("Idempotency-Key", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_sorts_by_name_across_pages_and_an_unknown_sort_field_is_a_400_naming_it()
    {
        var project = await H.NewProjectAsync();
        var created = new List<string>();
        foreach (var (name, site) in new[] { ("delta", "edge-001"), ("alpha", "edge-003"), ("charlie", "edge-002"), ("bravo", "edge-001"), ("alpha", "edge-002") })
        {
            created.Add((await H.CreateAsync(ProvisioningHarness.Vm(project, site, name, vcpu: 1))).Id);
        }

        // Two per page, following nextCursor: every resource once, in name order (ties by creation), whichever page it falls on.
        var names = new List<string>();
        string? cursor = null;
        do
        {
            var page = await H.Client.GetFromJsonAsync<ResourcePageResponse>(
                $"api/v1/resources?projectId={project}&sort=name&order=desc&limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), Json.Options);
            Assert.Null(page!.Next); // the numeric cursor belongs to the default order only
            names.AddRange(page.Items.Select(r => r.Name));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(["delta", "charlie", "bravo", "alpha", "alpha"], names);
        var bySite = await H.Client.GetFromJsonAsync<ResourcePageResponse>($"api/v1/resources?projectId={project}&sort=site", Json.Options);
        Assert.Equal(["edge-001", "edge-001", "edge-002", "edge-002", "edge-003"], bySite!.Items.Select(r => r.Placement.SiteId));
        var firstByName = await H.Client.GetFromJsonAsync<ResourcePageResponse>($"api/v1/resources?projectId={project}&sort=name&limit=1", Json.Options);

        foreach (var (query, field) in new[]
        {
            ("sort=colour", "sort"), ("order=up", "order"), ("cursor=nonsense", "cursor"), ("sort=name&before=5", "before"),
            ("sort=site&cursor=" + Uri.EscapeDataString(firstByName!.NextCursor!), "cursor"),
        })
        {
            using var refused = await H.Client.GetAsync("api/v1/resources?" + query);
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)refused.StatusCode} {text}");
            Assert.Equal([field], JsonSerializer.Deserialize<JsonElement>(text).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        }

        using var unknown = await H.Client.GetAsync("api/v1/resources?sort=colour");
        Assert.Contains("Unknown sort field 'colour'; one of: created, name, status, site.", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Settled before the next test of this class, which counts the clones its sites are asked for.
        foreach (var id in created)
        {
            await H.WaitForAsync(id, ResourceStatus.Verified);
        }
    }

    [Fact]
    public async Task Too_many_ssh_keys_or_one_too_long_are_refused_with_the_field_named()
    {
        var project = await H.NewProjectAsync();
        const string key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKq0 ops@example";

        var many = await ProblemAsync(HttpStatusCode.BadRequest, new
        {
            projectId = project, name = "many-keys", vcpu = 1, ramMiB = 1024, diskGiB = 20, template = "debian-12-cloud", sshKeys = Enumerable.Repeat(key, 33),
        });
        Assert.Equal(["sshKeys"], many.Keys);

        var tooLong = await ProblemAsync(HttpStatusCode.BadRequest, new
        {
            projectId = project, name = "long-key", vcpu = 1, ramMiB = 1024, diskGiB = 20, template = "debian-12-cloud",
            sshKeys = new[] { key, "ssh-rsa " + new string('A', 5000) + " ops@example" },
        });
        Assert.Equal(["sshKeys[1]"], tooLong.Keys);
        Assert.Contains("4096", tooLong["sshKeys[1]"][0], StringComparison.Ordinal);
    }

    private async Task<Dictionary<string, string[]>> ProblemAsync(HttpStatusCode expected, object body)
    {
        using var response = await H.Client.PostAsJsonAsync("api/v1/resources", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text).GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }
}
