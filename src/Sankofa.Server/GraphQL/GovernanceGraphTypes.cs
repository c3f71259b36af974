using GraphQL;
using GraphQL.Types;
using Sankofa.Core.Ledger;

namespace Sankofa.Server.GraphQL;

/// <summary>The governance board and its proposals over GraphQL: the same reads and limits as <c>GET /api/v1/governance</c>.</summary>
/// <param name="Board">The board, or null when the contracts belong to none.</param>
public sealed record GovernanceAnswer(GovernanceBoard? Board);

/// <summary>Members, thresholds, timelock and delay.</summary>
public sealed class GovernanceBoardGraphType : ObjectGraphType<GovernanceBoard>
{
    /// <summary>Declares the fields.</summary>
    public GovernanceBoardGraphType()
    {
        Name = "GovernanceBoard";
        Field<NonNullGraphType<StringGraphType>>("address").Description("SankofaBoard's address.").Resolve(c => c.Source.Board);
        Field(x => x.Timelock).Description("Its timelock's address: it holds the contracts' admin role.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("members").Description("The members' addresses.").Resolve(c => c.Source.Members);
        Field(x => x.Threshold).Description("Approvals a proposal needs (k of the members).");
        Field(x => x.EmergencyThreshold).Description("Approvals an emergency pause needs (no timelock).");
        Field(x => x.DelaySeconds).Description("How long a decided proposal waits in the timelock.");
    }
}

/// <summary>One call of a proposal.</summary>
public sealed class GovernanceCallGraphType : ObjectGraphType<GovernanceCall>
{
    /// <summary>Declares the fields.</summary>
    public GovernanceCallGraphType()
    {
        Name = "GovernanceCall";
        Field(x => x.Target).Description("The contract called.");
        Field(x => x.Calldata).Description("The calldata (0x hex).");
    }
}

/// <summary>A proposal of the board.</summary>
public sealed class GovernanceProposalGraphType : ObjectGraphType<GovernanceProposal>
{
    /// <summary>Declares the fields.</summary>
    public GovernanceProposalGraphType()
    {
        Name = "GovernanceProposal";
        Field(x => x.Id).Description("0x and 64 hex digits.");
        Field(x => x.Proposer);
        Field(x => x.State).Description("pending, queued, executed or cancelled.");
        Field(x => x.Approvals).Description("Approvals so far.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<GovernanceCallGraphType>>>>("calls").Resolve(c => c.Source.Calls);
        Field(x => x.ReadyAt, nullable: true).Description("When the timelock lets it run, once queued.");
        Field(x => x.Block).Description("The block it was proposed in.");
        Field(x => x.Transaction).Description("The proposing transaction.");
    }
}

/// <summary>The board (null when none) and its newest proposals.</summary>
public sealed class GovernanceGraphType : ObjectGraphType<GovernanceAnswer>
{
    /// <summary>Declares the fields.</summary>
    public GovernanceGraphType()
    {
        Name = "Governance";
        Field<GovernanceBoardGraphType>("board")
            .Description("The board that owns the contracts; null when they belong to none (Ledger:Board not configured) and the control plane's key administers them.")
            .Resolve(c => c.Source.Board);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<GovernanceProposalGraphType>>>>("proposals")
            .Description("The newest proposals, newest first; none without a board.")
            .Argument<IntGraphType>("first", $"How many, 1 to {GovernanceQueries.MaxLimit}.", a => a.DefaultValue = GovernanceQueries.DefaultLimit)
            .ResolveAsync(async c => (await c.RequestServices!.GetRequiredService<GovernanceQueries>().ListProposalsAsync(c.GetArgument<int?>("first"), c.CancellationToken)).Answer());
    }
}

/// <summary>
/// The board over GraphQL. Its facts are public (REST answers them without a token); GraphQL as a whole needs a signed-in
/// caller, so every signed-in caller reads this field and no permission is asked. Read only: members sign with their own keys.
/// </summary>
internal static class GovernanceFields
{
    public static void AddQueries(ObjectGraphType query) =>
        query.Field<NonNullGraphType<GovernanceGraphType>>("governance")
            .Description("The governance board that owns the contracts and its proposals, as the chain holds them.")
            .ResolveAsync(async c => new GovernanceAnswer((await c.RequestServices!.GetRequiredService<GovernanceQueries>().GetBoardAsync(c.CancellationToken)).AnswerOrNull()));
}
