using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Server.Tests.GraphQL;

/// <summary>Tenants, projects and resources through GraphQL: the same service and rules as REST, on emulated sites.</summary>
public class ProvisioningGraphQLTests(ProvisioningFixture fixture) : IClassFixture<ProvisioningFixture>
{
    private async Task<JsonElement> QueryAsync(string query, object? variables = null)
    {
        using var response = await fixture.Harness.Client.PostAsJsonAsync("graphql", new { query, variables });
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<string> ProjectAsync(int vcpuQuota) => fixture.Harness.NewProjectAsync(vcpu: vcpuQuota, ramMiB: 65536, diskGiB: 1024, vms: 10);

    [Fact]
    public async Task A_resource_created_by_mutation_is_placed_and_readable_with_its_explanation()
    {
        var project = await ProjectAsync(16);

        var created = await QueryAsync(
            "mutation($input: ResourceInput!) { createResource(input: $input) { id name status placement { siteId tier reason rejected { siteId reason } } spec { vcpu } } }",
            new { input = new { projectId = project, name = "web-1", vcpu = 2, ramMiB = 2048, diskGiB = 20, template = "debian-12-cloud", tier = "EDGE", siteId = ProvisioningHarness.Sites[1] } });

        var resource = created.GetProperty("data").GetProperty("createResource");
        Assert.Equal("edge", resource.GetProperty("placement").GetProperty("tier").GetString());
        Assert.Equal(2, resource.GetProperty("spec").GetProperty("vcpu").GetInt32());
        var id = resource.GetProperty("id").GetString();

        var read = await QueryAsync("query($id: String!) { resource(id: $id) { id name events { kind } } project(id: \"" + project + "\") { usage { vcpu } } }", new { id });
        Assert.Equal("web-1", read.GetProperty("data").GetProperty("resource").GetProperty("name").GetString());
        Assert.True(read.GetProperty("data").GetProperty("resource").GetProperty("events").GetArrayLength() > 0);
        Assert.Equal(2, read.GetProperty("data").GetProperty("project").GetProperty("usage").GetProperty("vcpu").GetInt32());

        // Resized by mutation once Verified: a shrinking disk is an error naming the field; a growth is accepted.
        await fixture.Harness.WaitForAsync(id!, Core.Provisioning.ResourceStatus.Verified);
        var shrink = await QueryAsync("mutation($id: String!) { resizeResource(id: $id, diskGiB: 10) { id } }", new { id });
        var e = shrink.GetProperty("errors")[0].GetProperty("extensions");
        Assert.Equal("BAD_USER_INPUT", e.GetProperty("code").GetString());
        Assert.True(e.GetProperty("data").GetProperty("fields").TryGetProperty("diskGiB", out _), shrink.ToString());
        var resized = await QueryAsync("mutation($id: String!) { resizeResource(id: $id, vcpu: 3, ramMiB: 3072) { status spec { vcpu ramMiB } } }", new { id });
        var r = resized.GetProperty("data").GetProperty("resizeResource");
        Assert.Equal(("resizing", 3, 3072), (r.GetProperty("status").GetString(), r.GetProperty("spec").GetProperty("vcpu").GetInt32(), r.GetProperty("spec").GetProperty("ramMiB").GetInt32()));
        var done = await fixture.Harness.WaitForAsync(id!, Core.Provisioning.ResourceStatus.Verified, after: "chain.resized");
        Assert.True(done.OnChain!.Verified);
    }

    [Fact]
    public async Task Bad_input_and_an_exceeded_quota_come_back_as_errors_naming_the_field()
    {
        var project = await ProjectAsync(4);

        var invalid = await QueryAsync(
            "mutation($input: ResourceInput!) { createResource(input: $input) { id } }",
            new { input = new { projectId = project, name = "x", vcpu = -1, ramMiB = 2048, diskGiB = 20, template = "debian-12-cloud", tier = "EDGE", siteId = ProvisioningHarness.Sites[1] } });
        var overQuota = await QueryAsync(
            "mutation($input: ResourceInput!) { createResource(input: $input) { id } }",
            new { input = new { projectId = project, name = "big", vcpu = 8, ramMiB = 2048, diskGiB = 20, template = "debian-12-cloud", tier = "EDGE", siteId = ProvisioningHarness.Sites[1] } });

        var e1 = invalid.GetProperty("errors")[0].GetProperty("extensions");
        Assert.Equal("BAD_USER_INPUT", e1.GetProperty("code").GetString());
        Assert.True(e1.GetProperty("data").GetProperty("fields").TryGetProperty("vcpu", out _), invalid.ToString());
        var e2 = overQuota.GetProperty("errors")[0].GetProperty("extensions");
        Assert.Equal("QUOTA_EXCEEDED", e2.GetProperty("code").GetString());
        Assert.True(e2.GetProperty("data").GetProperty("fields").TryGetProperty("quota.vcpu", out _), overQuota.ToString());
    }

    [Fact]
    public async Task Resources_filter_by_status_as_the_rest_api_does_and_an_unknown_status_is_an_error_naming_it()
    {
        var project = await ProjectAsync(16);
        var created = await fixture.Harness.CreateAsync(ProvisioningHarness.Vm(project, ProvisioningHarness.Sites[0], "status-1", vcpu: 1));
        await fixture.Harness.WaitForAsync(created.Id, Core.Provisioning.ResourceStatus.Verified);

        const string Query = "query($p: String, $s: String) { resources(projectId: $p, status: $s) { items { id status } } }";
        var verified = (await QueryAsync(Query, new { p = project, s = "verified" })).GetProperty("data").GetProperty("resources").GetProperty("items");
        Assert.Equal(created.Id, Assert.Single(verified.EnumerateArray()).GetProperty("id").GetString());
        var failed = (await QueryAsync(Query, new { p = project, s = "failed" })).GetProperty("data").GetProperty("resources").GetProperty("items");
        Assert.Equal(0, failed.GetArrayLength());

        var unknown = await QueryAsync(Query, new { p = project, s = "colour" });
        var error = unknown.GetProperty("errors")[0];
        Assert.Equal("BAD_USER_INPUT", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal("status", error.GetProperty("extensions").GetProperty("data").GetProperty("argument").GetString());
    }

    [Fact]
    public async Task Resources_sort_by_an_argument_across_pages_and_an_unknown_sort_field_is_an_error_naming_it()
    {
        var project = await ProjectAsync(16);
        var created = new List<string>();
        foreach (var name in new[] { "web-b", "web-c", "web-a" })
        {
            created.Add((await fixture.Harness.CreateAsync(ProvisioningHarness.Vm(project, ProvisioningHarness.Sites[0], name, vcpu: 1))).Id);
        }

        const string Query = "query($p: String, $c: String) { resources(projectId: $p, sort: \"name\", order: \"asc\", first: 2, cursor: $c) { items { name } nextCursor } }";
        var first = (await QueryAsync(Query, new { p = project })).GetProperty("data").GetProperty("resources");
        var second = (await QueryAsync(Query, new { p = project, c = first.GetProperty("nextCursor").GetString() })).GetProperty("data").GetProperty("resources");
        Assert.Equal(["web-a", "web-b", "web-c"], first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        var unknown = await QueryAsync("{ resources(sort: \"colour\") { items { id } } }");
        var error = unknown.GetProperty("errors")[0];
        Assert.Equal("BAD_USER_INPUT", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal("sort", error.GetProperty("extensions").GetProperty("data").GetProperty("argument").GetString());
        Assert.Contains("Unknown sort field 'colour'", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Settled before the class's next test, so no clone of these is still running on its sites.
        foreach (var id in created)
        {
            await fixture.Harness.WaitForAsync(id, Core.Provisioning.ResourceStatus.Verified);
        }
    }

    [Fact]
    public async Task Explaining_a_placement_creates_nothing_and_says_where_it_would_go()
    {
        var before = await QueryAsync("{ resources(first: 1000) { items { id } } }");

        var explained = await QueryAsync(
            "query($input: ResourceInput!) { explainPlacement(input: $input) { siteId estimatedRttMs reason } }",
            new { input = new { vcpu = 1, ramMiB = 1024, diskGiB = 10, template = "debian-12-cloud", siteId = ProvisioningHarness.Sites[0] } });

        Assert.Equal(ProvisioningHarness.Sites[0], explained.GetProperty("data").GetProperty("explainPlacement").GetProperty("siteId").GetString());
        var after = await QueryAsync("{ resources(first: 1000) { items { id } } }");
        Assert.Equal(
            before.GetProperty("data").GetProperty("resources").GetProperty("items").GetArrayLength(),
            after.GetProperty("data").GetProperty("resources").GetProperty("items").GetArrayLength());
    }
}
