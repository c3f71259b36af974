using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
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
