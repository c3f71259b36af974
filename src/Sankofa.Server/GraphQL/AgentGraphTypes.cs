using GraphQL;
using GraphQL.Types;
using Sankofa.Core.Access;
using Sankofa.Core.Agents;
using Sankofa.Server.Agents;

namespace Sankofa.Server.GraphQL;

/// <summary>pending, approved, revoked or rotated.</summary>
public sealed class AgentStateGraphType : EnumerationGraphType<AgentState>
{
    /// <summary>Names the enum.</summary>
    public AgentStateGraphType() => Name = "AgentState";
}

/// <summary>A site agent's key, as the REST API shows it.</summary>
public sealed class AgentGraphType : ObjectGraphType<AgentResponse>
{
    /// <summary>Declares the fields.</summary>
    public AgentGraphType()
    {
        Name = "Agent";
        Field(x => x.SiteId);
        Field(x => x.Address).Description("The key's address (lower case).");
        Field<NonNullGraphType<AgentStateGraphType>>("state").Resolve(c => c.Source.State);
        Field(x => x.Version).Description("The agent's version at registration.");
        Field(x => x.RegisteredAt);
        Field(x => x.RegisteredBy);
        Field(x => x.SignedAt).Description("When the agent signed its registration (its clock).");
        Field(x => x.Proof).Description("The key's signature over the site-key digest (0x hex).");
        Field(x => x.ApprovedAt, nullable: true);
        Field(x => x.ApprovedBy, nullable: true);
        Field(x => x.KeyTransaction, nullable: true).Description("Transaction that recorded the key on chain.");
        Field(x => x.KeyBlock, nullable: true);
        Field(x => x.LastSeenAt, nullable: true).Description("When the agent last reported; null when never.");
        Field(x => x.RotatesFrom, nullable: true).Description("For a rotation: the key it replaces.");
        Field(x => x.RotationSignature, nullable: true).Description("For a rotation: the replaced key's signature over the rotation digest.");
        Field(x => x.RetiredAt, nullable: true).Description("When it was revoked or rotated away.");
        Field(x => x.RetiredBy, nullable: true);
        Field(x => x.RetireTransaction, nullable: true).Description("Transaction that took the key off chain; null for a key never on chain.");
        Field(x => x.RetireBlock, nullable: true);
    }
}

/// <summary>A page of site agents in registration order.</summary>
public sealed class AgentPageGraphType : ObjectGraphType<AgentPageResponse>
{
    /// <summary>Declares the fields.</summary>
    public AgentPageGraphType()
    {
        Name = "AgentPage";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AgentGraphType>>>>("items").Resolve(c => c.Source.Items);
        Field(x => x.Next, nullable: true).Description("Pass as 'after' for the next page.");
    }
}

/// <summary>Site agents over GraphQL: the same query and permission (agents.read) as REST; tenant roles get FORBIDDEN.</summary>
internal static class AgentFields
{
    public static void AddQueries(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<AgentPageGraphType>>("agents")
            .Description("Site agents in registration order, of one site or all, paged with 'after' (the 'next' of the previous page).")
            .Argument<StringGraphType>("site")
            .Argument<IntGraphType>("first", $"Page size, 1 to {AgentQueries.MaxPageSize} (default 100).")
            .Argument<LongGraphType>("after")
            .ResolveAsync(async c => AgentPageResponse.From((await c.RequestServices!.GetRequiredService<AgentQueries>().ListAsync(c.Require(Permission.AgentsRead),
                new AgentListRequest(c.GetArgument<string?>("site"), c.GetArgument<long?>("after"), c.GetArgument<int?>("first")), c.CancellationToken)).Answer()));
    }
}
