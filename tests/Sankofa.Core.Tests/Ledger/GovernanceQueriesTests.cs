using Sankofa.Core.Ledger;
using Sankofa.Core.Tests.Fakes;

namespace Sankofa.Core.Tests.Ledger;

public sealed class GovernanceQueriesTests
{
    private static readonly GovernanceBoard Board = new("0xb0", "0x71", ["0x01", "0x02", "0x03"], 2, 1, 3600);

    private static GovernanceProposal Proposal(int n) =>
        new($"0x{n:x64}", "0x01", "pending", 1, [new GovernanceCall("0xaa", "0x3f4ba83a")], null, n, $"0x{n:x64}");

    [Fact]
    public async Task The_board_and_twenty_newest_proposals_by_default_and_as_many_as_asked_up_to_a_hundred()
    {
        var ledger = new FakeGovernanceLedger(Board, [.. Enumerable.Range(1, 30).Reverse().Select(Proposal)]);
        var queries = new GovernanceQueries(ledger);

        var view = (await queries.GetAsync(null, default)).Value!;
        Assert.Equal(Board, view.Board);
        Assert.Equal(20, view.Proposals.Count);
        Assert.Equal(30, view.Proposals[0].Block);
        Assert.Equal(3, (await queries.ListProposalsAsync(3, default)).Value!.Count);
        Assert.Equal([20, 3], ledger.Reads);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task A_limit_out_of_range_is_refused_naming_limit_before_anything_is_read(int limit)
    {
        var ledger = new FakeGovernanceLedger(null);
        var queries = new GovernanceQueries(ledger);

        foreach (var error in new[] { (await queries.GetAsync(limit, default)).Error, (await queries.ListProposalsAsync(limit, default)).Error })
        {
            Assert.Equal(ErrorKind.Invalid, error!.Kind);
            Assert.Equal($"Must be between 1 and 100 (was {limit}).", Assert.Single(error.Fields["limit"]));
        }

        Assert.Empty(ledger.Reads);
    }

    [Fact]
    public async Task Without_a_board_the_answer_is_not_found_naming_the_board()
    {
        var queries = new GovernanceQueries(new FakeGovernanceLedger(null));

        var error = (await queries.GetAsync(null, default)).Error!;
        Assert.Equal(ErrorKind.NotFound, error.Kind);
        Assert.Contains("Ledger:Board", error.Fields["board"][0], StringComparison.Ordinal);
        Assert.Equal(ErrorKind.NotFound, (await queries.GetBoardAsync(default)).Error!.Kind);
    }
}
