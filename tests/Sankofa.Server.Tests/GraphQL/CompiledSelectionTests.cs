using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core.Audit;
using Sankofa.Core.Provisioning;
using Sankofa.Server.GraphQL.Compiled;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Server.Tests.GraphQL;

/// <summary>
/// Resource queries answered by a compiled plan are byte for byte what GraphQL.NET's executor answers: each document
/// runs twice over HTTP against the real store, once as written (the plan answers) and once with <c>@include(if: true)</c>
/// on its root field, which plans leave to the executor; the strategy's counters say which path answered each.
/// </summary>
public sealed class CompiledSelectionTests(UncachedProvisioningFixture fixture) : IClassFixture<UncachedProvisioningFixture>
{
    private const string Bench =
        "query($first:Int,$before:Long,$p:String){resources(first:$first,before:$before,projectId:$p)ROOT{items{id tenantId projectId name " +
        "spec{vcpu ramMiB diskGiB template sshKeys cloudInitUser} specHash desired status failureReason " +
        "placement{siteId siteName tier jurisdiction hostId distanceKm estimatedRttMs score reason failover antiAffinityGroup " +
        "rejected{siteId distanceKm estimatedRttMs reason detail}} vmSite vmNode vmId createdAt updatedAt verifiedAt deletedAt events{kind}} next nextCursor}}";

    private const string Aliased =
        "query($p:String){ page: resources(projectId: $p, first: 2) ROOT { __typename cursor: nextCursor items { __typename key: id name " +
        "spec { cpus: vcpu sshKeys } placement { siteId rejected { __typename siteId reason } score } status vmId createdAt } before: next } }";

    private const string Fragments =
        "query Page($p:String){ resources(projectId: $p) ROOT { items { ...R ... on Resource { placement { ...P } } ... { vmSite } } } } " +
        "fragment R on Resource { id status spec { ...S } } fragment S on Spec { template ramMiB } " +
        "fragment P on Placement { tier jurisdiction distanceKm estimatedRttMs failover antiAffinityGroup }";

    private const string One =
        "query($id:String!){ resource(id: $id) ROOT { id name events { time status kind message } placement { reason hostId } deletedAt } }";

    private static string? project;

    private ProvisioningHarness H => fixture.Harness;

    private CompiledSelectionStrategy Strategy => H.Server.Services.GetRequiredService<CompiledSelectionStrategy>();

    [Fact]
    public async Task The_benchmarks_page_is_answered_by_the_plan_with_the_executors_bytes_page_after_page()
    {
        var p = await ProjectAsync();
        var first = await SameAnswerAsync(Bench, new { first = 2, before = (long?)null, p });
        var page = first.GetProperty("data").GetProperty("resources");
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("items")[0].GetProperty("events").ValueKind);
        Assert.NotEmpty(page.GetProperty("items")[0].GetProperty("placement").GetProperty("rejected").EnumerateArray());

        // The next page by its number cursor, and the last one (its cursors are null).
        var next = page.GetProperty("next").GetInt64();
        var second = await SameAnswerAsync(Bench, new { first = 2, before = (long?)next, p });
        var last = second.GetProperty("data").GetProperty("resources");
        Assert.Equal(1, last.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, last.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Aliases_typenames_fragments_and_one_resource_with_its_history_are_the_executors_answers()
    {
        var p = await ProjectAsync();
        var aliased = await SameAnswerAsync(Aliased, new { p });
        Assert.Equal("ResourcePage", aliased.GetProperty("data").GetProperty("page").GetProperty("__typename").GetString());
        Assert.Equal(new[] { "__typename", "key", "name", "spec", "placement", "status", "vmId", "createdAt" },
            aliased.GetProperty("data").GetProperty("page").GetProperty("items")[0].EnumerateObject().Select(f => f.Name));

        var fragments = await SameAnswerAsync(Fragments, new { p });
        Assert.Equal(new[] { "id", "status", "spec", "placement", "vmSite" },
            fragments.GetProperty("data").GetProperty("resources").GetProperty("items")[0].EnumerateObject().Select(f => f.Name));

        var id = aliased.GetProperty("data").GetProperty("page").GetProperty("items")[0].GetProperty("key").GetString();
        var one = await SameAnswerAsync(One, new { id });
        Assert.NotEmpty(one.GetProperty("data").GetProperty("resource").GetProperty("events").EnumerateArray());

        var missing = await SameAnswerAsync(One, new { id = "res-none" });
        Assert.Equal(JsonValueKind.Null, missing.GetProperty("data").GetProperty("resource").ValueKind);
    }

    [Fact]
    public async Task A_bad_cursor_skip_and_include_and_a_repeated_field_are_answered_by_the_executor_as_it_answers_them()
    {
        var p = await ProjectAsync();

        // The resolver refuses the cursor: the plan gives up and the executor reports the refusal, naming the argument.
        var (compiledBefore, generalBefore) = (Strategy.CompiledAnswers, Strategy.GeneralAnswers);
        var (status, bad) = await PostAsync("{ resources(cursor: \"not-a-cursor\") { items { id } } }", new { });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("BAD_USER_INPUT", bad.RootElement.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal("cursor", bad.RootElement.GetProperty("errors")[0].GetProperty("extensions").GetProperty("data").GetProperty("argument").GetString());
        Assert.Equal(JsonValueKind.Null, bad.RootElement.GetProperty("data").ValueKind);
        Assert.Equal((compiledBefore, generalBefore + 1), (Strategy.CompiledAnswers, Strategy.GeneralAnswers));

        // Directives and a response key asked twice are the executor's; their answers equal the plain document's, which a plan answers.
        var plain = "query($p:String){ resources(projectId: $p) { items { id status } } }";
        var (_, expected) = await PostAsync(plain, new { p });
        foreach (var (document, variables) in new (string, object)[]
                 {
                     ("query($p:String,$s:Boolean!){ resources(projectId: $p) { items { id name @skip(if: $s) status } } }", new { p, s = true }),
                     ("query($p:String,$i:Boolean!){ resources(projectId: $p) { items { id status placement @include(if: $i) { score } } } }", new { p, i = false }),
                     ("query($p:String){ resources(projectId: $p) { items { id status id } } }", new { p }),
                 })
        {
            (compiledBefore, generalBefore) = (Strategy.CompiledAnswers, Strategy.GeneralAnswers);
            var (_, answer) = await PostAsync(document, variables);
            Assert.Equal(expected.RootElement.GetRawText(), answer.RootElement.GetRawText());
            Assert.Equal((compiledBefore, generalBefore + 1), (Strategy.CompiledAnswers, Strategy.GeneralAnswers));
        }
    }

    /// <summary>Every field of a resources page, each asked alone (so a wrong one names itself).</summary>
    public static TheoryData<string> PageFields() =>
    [
        "id", "tenantId", "projectId", "name", "specHash", "desired", "status", "failureReason", "vmSite", "vmNode", "vmId",
        "createdAt", "updatedAt", "verifiedAt", "deletedAt", "events { kind }", "__typename",
        "spec { vcpu }", "spec { ramMiB }", "spec { diskGiB }", "spec { template }", "spec { sshKeys }", "spec { cloudInitUser }", "spec { __typename }",
        "placement { siteId }", "placement { siteName }", "placement { tier }", "placement { jurisdiction }", "placement { hostId }",
        "placement { distanceKm }", "placement { estimatedRttMs }", "placement { score }", "placement { reason }", "placement { failover }",
        "placement { antiAffinityGroup }", "placement { __typename }",
        "placement { rejected { siteId } }", "placement { rejected { distanceKm } }", "placement { rejected { estimatedRttMs } }",
        "placement { rejected { reason } }", "placement { rejected { detail } }", "placement { rejected { __typename } }",
    ];

    [Theory]
    [MemberData(nameof(PageFields))]
    public async Task Each_field_of_a_page_is_the_executors_bytes_for_text_to_escape_nulls_and_every_state(string field)
    {
        var p = await SeededProjectAsync();
        var page = await SameAnswerAsync("query($p:String){ resources(projectId: $p, first: 50) ROOT { items { " + field + " } } }", new { p });
        Assert.Equal(Seeded.Length, page.GetProperty("data").GetProperty("resources").GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_seeded_page_with_every_field_aliases_and_both_cursors_is_the_executors_bytes_page_after_page()
    {
        var p = await SeededProjectAsync();
        var all = Bench.Replace("events{kind}}", "events{kind} __typename t: status}", StringComparison.Ordinal)
            .Replace("next nextCursor}}", "next nextCursor __typename c: nextCursor}}", StringComparison.Ordinal);
        var seen = new List<string>();
        long? before = null;
        do
        {
            var page = (await SameAnswerAsync(all, new { first = 4, before, p })).GetProperty("data").GetProperty("resources");
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            before = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetInt64();
        }
        while (before is not null);

        Assert.Equal(Seeded.Select(s => s.Id).Reverse(), seen);

        // Another order pages by its text cursor only.
        var byName = "query($p:String,$c:String){ resources(projectId: $p, first: 5, sort: \"name\", cursor: $c) ROOT { items { name status desired } next nextCursor } }";
        var first = (await SameAnswerAsync(byName, new { p, c = (string?)null })).GetProperty("data").GetProperty("resources");
        Assert.Equal(JsonValueKind.Null, first.GetProperty("next").ValueKind);
        var cursor = first.GetProperty("nextCursor").GetString();
        Assert.NotNull(cursor);
        await SameAnswerAsync(byName, new { p, c = cursor });
    }

    /// <summary>
    /// Resources stored as they are (settled later never: their next attempt is a day away), one per state and both
    /// desired states, with text the GraphQL encoder escapes and REST's does not, nulls and non-nulls of every
    /// nullable field, a VM and none, rejected candidates with and without distances.
    /// </summary>
    private static readonly (string Id, ResourceStatus Status, DesiredState Desired, bool Vm)[] Seeded =
        [.. Enum.GetValues<ResourceStatus>().Where(s => s != ResourceStatus.Verified)
            .Select((s, i) => ($"vm-seeded-{i:00}", s, i % 2 == 0 ? DesiredState.Present : DesiredState.Absent, i % 3 != 0))];

    private static string? seededProject;

    private async Task<string> SeededProjectAsync()
    {
        if (seededProject is not null)
        {
            return seededProject;
        }

        var tenant = "gq-" + Guid.NewGuid().ToString("N")[..6];
        var p = tenant + "-seeded";
        // Room for disks past 32 bits (a Long the executor writes as a number like any other).
        var quota = new { vcpu = 1000, ramMiB = 4_000_000, diskGiB = 1_000_000_000_000L, vms = 100 };
        using (var created = await H.Client.PostAsJsonAsync("api/v1/tenants", new { id = tenant, name = "Seeded " + tenant, quota }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var created = await H.Client.PostAsJsonAsync($"api/v1/tenants/{tenant}/projects", new { id = p, name = "Seeded " + tenant, quota }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var store = H.Server.Services.GetRequiredService<IResourceStore>();
        var placement = new PlacementExplanation("edge-001", "Zürich <Nord> & \"Süd\"", "edge", "CH", "edge-001-h1", 1_234.5, 0.1 + 0.2, 0.9876,
            "Nearest with room; 'quoted' + emoji \U0001F680", "edge-002 was down: failed over", "web", [
                new RejectedExplanation("edge-002", null, null, "siteDown", "The site is down.\n(probe)"),
                new RejectedExplanation("core-001", 1e-7, 20.25, "overLatency", "RTT 20.25 ms > 10 ms, group 'web' already has a VM"),
            ]) { AllowedJurisdictions = ["CH", "DE"] };
        var bare = placement with { AllowedJurisdictions = null, Failover = null, AntiAffinityGroup = null, DistanceKm = null, EstimatedRttMs = null, Rejected = [] };
        var at = new DateTimeOffset(2026, 12, 4, 20, 1, 2, 345, TimeSpan.Zero);
        foreach (var ((id, status, desired, vm), i) in Seeded.Select((s, i) => (s, i)))
        {
            var spec = new ResourceSpec(i + 1, 1024L * (i + 1), 10_000_000_000L + i, "debian-12-cloud",
                i % 2 == 0 ? [] : ["ssh-ed25519 AAAA ops@example", "ssh-rsa B+/= <x> é"], i % 2 == 0 ? null : "ops\u00e9");
            var resource = new Resource(id, 0, tenant, p, $"seeded-{i:00}", spec, spec.Hash(), desired, status,
                i % 2 == 0 ? null : "Clone failed: \"disk\" <full> — retry 'later' \U0001F680", i % 2 == 0 ? placement : bare,
                vm ? new VirtualMachineRef("pve-" + i, 100 + i) : null, 0, DateTimeOffset.UtcNow.AddDays(1), at.AddSeconds(i), at.AddSeconds(i + 1).AddTicks(1234),
                i % 3 == 1 ? at.AddMinutes(i) : null, i % 3 == 2 ? at.AddHours(i) : null, null, null, 0);
            await store.CreateResourceAsync(resource, new NewResourceEvent("resource.requested", "seeded"),
                new AuditEvent("graphql-test", "provisioning.resource.requested", "resource:" + id, "{}"), CancellationToken.None);
        }

        return seededProject = p;
    }

    /// <summary>Runs the document through the plan and through the executor; both answers must be the same bytes.</summary>
    private async Task<JsonElement> SameAnswerAsync(string document, object variables)
    {
        var compiledBefore = Strategy.CompiledAnswers;
        var (status, compiled, compiledBytes) = await PostRawAsync(document.Replace("ROOT", string.Empty, StringComparison.Ordinal), variables);
        Assert.True(status == HttpStatusCode.OK, compiled.RootElement.GetRawText());
        Assert.Equal(compiledBefore + 1, Strategy.CompiledAnswers);

        var generalBefore = Strategy.GeneralAnswers;
        var (_, _, generalBytes) = await PostRawAsync(document.Replace("ROOT", " @include(if: true)", StringComparison.Ordinal), variables);
        Assert.Equal(generalBefore + 1, Strategy.GeneralAnswers);

        Assert.False(compiled.RootElement.TryGetProperty("errors", out _), compiled.RootElement.GetRawText());
        Assert.Equal(System.Text.Encoding.UTF8.GetString(generalBytes), System.Text.Encoding.UTF8.GetString(compiledBytes));
        return compiled.RootElement.Clone();
    }

    private async Task<(HttpStatusCode Status, JsonDocument Body)> PostAsync(string query, object variables)
    {
        var (status, body, _) = await PostRawAsync(query, variables);
        return (status, body);
    }

    private async Task<(HttpStatusCode Status, JsonDocument Body, byte[] Bytes)> PostRawAsync(string query, object variables)
    {
        using var response = await H.Client.PostAsJsonAsync("graphql", new { query, variables });
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, JsonDocument.Parse(bytes), bytes);
    }

    /// <summary>A project with three settled resources, one deleted (its deletion time set), made once for the class.</summary>
    private async Task<string> ProjectAsync()
    {
        if (project is not null)
        {
            return project;
        }

        var p = await H.NewProjectAsync();
        var a = await H.CreateAsync(ProvisioningHarness.Vm(p, "edge-001", "web-1"));
        var b = await H.CreateAsync(ProvisioningHarness.Vm(p, "edge-002", "web-2"));
        var c = await H.CreateAsync(ProvisioningHarness.Vm(p, "edge-003", "web-3"));
        foreach (var id in new[] { a.Id, b.Id, c.Id })
        {
            await H.WaitForAsync(id, ResourceStatus.Verified);
        }

        using (var delete = await H.Client.DeleteAsync($"api/v1/resources/{b.Id}"))
        {
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        }

        await H.WaitForAsync(b.Id, ResourceStatus.Deleted);
        return project = p;
    }
}
