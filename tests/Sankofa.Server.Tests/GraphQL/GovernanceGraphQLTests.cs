using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Ledger.Hosting;
using Sankofa.Server.Tests.Ledger;

namespace Sankofa.Server.Tests.GraphQL;

/// <summary>The governance board through GraphQL against a server whose contracts a board owns: the same facts and limits as REST.</summary>
[Collection(GovernanceBoardCollection.Name)]
public sealed class GovernanceGraphQLTests(GovernanceBoardFixture fixture)
{
    private const string Query = """
        query($first: Int) { governance {
          board { address timelock members threshold emergencyThreshold delaySeconds }
          proposals(first: $first) { id proposer state approvals calls { target calldata } readyAt block transaction } } }
        """;

    private async Task<(HttpStatusCode Status, JsonElement Body)> QueryAsync(HttpClient client, object variables)
    {
        using var response = await client.PostAsJsonAsync("graphql", new { query = Query, variables });
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task Governance_answers_the_board_and_its_proposals_as_rest_does_with_state_approvals_calls_and_when_the_timelock_lets_them_run()
    {
        var server = fixture.Harness.Server;
        var (status, body) = await QueryAsync(server.Client, new { });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.TryGetProperty("errors", out _), body.ToString());
        var governance = body.GetProperty("data").GetProperty("governance");
        var board = governance.GetProperty("board");
        var connection = server.Services.GetRequiredService<LedgerRuntime>().Connection;

        Assert.Equal(connection.Board!.Board, board.GetProperty("address").GetString(), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(connection.Board.Timelock, board.GetProperty("timelock").GetString(), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(fixture.Members, board.GetProperty("members").EnumerateArray().Select(m => m.GetString()!), StringComparer.OrdinalIgnoreCase);
        Assert.Equal((2, 1, 3600L), (board.GetProperty("threshold").GetInt32(), board.GetProperty("emergencyThreshold").GetInt32(), board.GetProperty("delaySeconds").GetInt64()));

        // Newest first: the pending proposal, then the queued one, each as the members left it.
        var proposals = governance.GetProperty("proposals").EnumerateArray().ToList();
        Assert.Equal([fixture.Pending, fixture.Queued], proposals.Select(p => p.GetProperty("id").GetString()));
        var (pending, queued) = (proposals[0], proposals[1]);
        Assert.Equal(("pending", 1, JsonValueKind.Null), (pending.GetProperty("state").GetString(), pending.GetProperty("approvals").GetInt32(), pending.GetProperty("readyAt").ValueKind));
        Assert.Equal([connection.ResourceRegistryAddress, connection.AuditAnchorAddress, connection.IdentityRegistryAddress],
            pending.GetProperty("calls").EnumerateArray().Select(c => c.GetProperty("target").GetString()!), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(("queued", 2), (queued.GetProperty("state").GetString(), queued.GetProperty("approvals").GetInt32()));
        var readyAt = queued.GetProperty("readyAt").GetDateTimeOffset();
        Assert.InRange(readyAt, fixture.QueuedAt + GovernanceBoardFixture.Delay - TimeSpan.FromMinutes(2), fixture.QueuedAt + GovernanceBoardFixture.Delay + TimeSpan.FromMinutes(1));
        Assert.Equal(fixture.Members[0], queued.GetProperty("proposer").GetString(), StringComparer.OrdinalIgnoreCase);
        Assert.StartsWith("0x", queued.GetProperty("transaction").GetString(), StringComparison.Ordinal);

        // The same facts as the anonymous REST answer, field by field.
        var rest = await server.Anonymous.GetFromJsonAsync<JsonElement>("api/v1/governance");
        Assert.Equal(rest.GetProperty("board").GetProperty("board").GetString(), board.GetProperty("address").GetString());
        foreach (var field in new[] { "timelock", "members", "threshold", "emergencyThreshold", "delaySeconds" })
        {
            Assert.Equal(rest.GetProperty("board").GetProperty(field).GetRawText(), board.GetProperty(field).GetRawText());
        }

        var restProposals = rest.GetProperty("proposals").EnumerateArray().ToList();
        Assert.Equal(restProposals.Count, proposals.Count);
        foreach (var (r, g) in restProposals.Zip(proposals))
        {
            foreach (var field in new[] { "id", "proposer", "state", "approvals", "calls", "block", "transaction" })
            {
                Assert.Equal(r.GetProperty(field).GetRawText(), g.GetProperty(field).GetRawText());
            }

            Assert.Equal(ReadyAt(r), ReadyAt(g));
        }

        var (_, one) = await QueryAsync(server.Client, new { first = 1 });
        Assert.Equal(fixture.Pending, Assert.Single(one.GetProperty("data").GetProperty("governance").GetProperty("proposals").EnumerateArray()).GetProperty("id").GetString());
    }

    private static DateTimeOffset? ReadyAt(JsonElement proposal) =>
        proposal.GetProperty("readyAt") is { ValueKind: not JsonValueKind.Null } at ? at.GetDateTimeOffset() : null;

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task A_page_size_out_of_bounds_is_refused_naming_first_as_rest_refuses_limit(int first)
    {
        var (status, body) = await QueryAsync(fixture.Harness.Server.Client, new { first });

        Assert.Equal(HttpStatusCode.OK, status);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal("BAD_USER_INPUT", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal("first", error.GetProperty("extensions").GetProperty("data").GetProperty("argument").GetString());
        Assert.Equal($"'first': Must be between 1 and 100 (was {first}).", error.GetProperty("message").GetString());
        using var rest = await fixture.Harness.Server.Anonymous.GetAsync($"api/v1/governance?limit={first}");
        Assert.Equal(HttpStatusCode.BadRequest, rest.StatusCode);
    }

    [Fact]
    public async Task Without_a_token_the_graphql_endpoint_answers_401_while_rest_answers_anyone()
    {
        var (status, _) = await QueryAsync(fixture.Harness.Server.Anonymous, new { });
        using var rest = await fixture.Harness.Server.Anonymous.GetAsync("api/v1/governance");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.OK), (status, rest.StatusCode));
    }
}
