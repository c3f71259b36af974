using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Access;
using Sankofa.Core.Agents;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Access;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.Agents;

/// <summary>Site agents' keys: registered with a proof of possession, listed, approved onto the chain, rotated and revoked. Platform roles only.</summary>
internal static class AgentsApi
{
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Agents");
        api.MapPost("/sites/{site}/agents", RegisterAsync).WithName("RegisterSiteAgent").Requires(Permission.AgentsWrite)
            .WithSummary("Accepts an agent's registration.json as pending once the key's signature over the site-key digest checks out.");
        api.MapGet("/sites/{site}/agents", ListSiteAsync).WithName("ListSiteAgents").Requires(Permission.AgentsRead)
            .WithSummary("A site's agents in registration order with state, version and last report, paged with the 'after' cursor.");
        api.MapGet("/agents", ListAsync).WithName("ListAgents").Requires(Permission.AgentsRead)
            .WithSummary("Every site's agents in registration order, paged with the 'after' cursor.");
        api.MapPost("/sites/{site}/agents/{address}/approve", ApproveAsync).WithName("ApproveSiteAgent").Requires(Permission.AgentsApprove)
            .WithSummary("Approves a pending agent: records its key on chain as the site's key (setSiteKey), or for a rotation hands the site over to it (rotateSiteKey).");
        api.MapPost("/sites/{site}/agents/rotations", RotateAsync).WithName("SubmitSiteKeyRotation").Requires(Permission.AgentsWrite)
            .WithSummary("Accepts an agent's rotation.json as a pending agent once the new key's proof and the approved key's consent check out; approve it to rotate.");
        api.MapPost("/sites/{site}/agents/{address}/revoke", RevokeAsync).WithName("RevokeSiteAgent").Requires(Permission.AgentsApprove)
            .WithSummary("Revokes an agent's key: taken off chain (revokeSiteKey) when it is the site's key; a pending one is refused for good.");
        return app;
    }

    private static async Task<Results<Created<AgentResponse>, ProblemHttpResult>> RegisterAsync(
        string site, RegisterAgentBody? body, HttpContext context, AgentRegistry registry, CancellationToken cancellationToken)
    {
        var agent = await registry.RegisterAsync(context.RequiredCaller(), ProvisioningApi.Actor(context), site, body?.ToRegistration(), cancellationToken);
        return agent.Error is { } error
            ? error.ToProblem()
            : TypedResults.Created($"/api/v1/sites/{Uri.EscapeDataString(site)}/agents/{agent.Value!.Address}", AgentResponse.From(agent.Value));
    }

    private static async Task<Results<Created<AgentResponse>, ProblemHttpResult>> RotateAsync(
        string site, RotateAgentBody? body, HttpContext context, AgentRegistry registry, CancellationToken cancellationToken)
    {
        var agent = await registry.SubmitRotationAsync(context.RequiredCaller(), ProvisioningApi.Actor(context), site, body?.ToRotation(), cancellationToken);
        return agent.Error is { } error
            ? error.ToProblem()
            : TypedResults.Created($"/api/v1/sites/{Uri.EscapeDataString(site)}/agents/{agent.Value!.Address}", AgentResponse.From(agent.Value));
    }

    private static async Task<Results<Ok<AgentResponse>, ProblemHttpResult>> RevokeAsync(
        string site, string address, HttpContext context, AgentRegistry registry, CancellationToken cancellationToken)
    {
        var agent = await registry.RevokeAsync(context.RequiredCaller(), ProvisioningApi.Actor(context), site, address, cancellationToken);
        return agent.Error is { } error ? error.ToProblem() : TypedResults.Ok(AgentResponse.From(agent.Value!));
    }

    private static Task<Results<Ok<AgentPageResponse>, ProblemHttpResult>> ListSiteAsync(
        string site, HttpContext context, AgentQueries queries, CancellationToken cancellationToken, long? after = null, int? limit = null) =>
        PageAsync(context, queries, new AgentListRequest(site, after, limit), cancellationToken);

    private static Task<Results<Ok<AgentPageResponse>, ProblemHttpResult>> ListAsync(
        HttpContext context, AgentQueries queries, CancellationToken cancellationToken, string? site = null, long? after = null, int? limit = null) =>
        PageAsync(context, queries, new AgentListRequest(site, after, limit), cancellationToken);

    private static async Task<Results<Ok<AgentPageResponse>, ProblemHttpResult>> PageAsync(
        HttpContext context, AgentQueries queries, AgentListRequest request, CancellationToken cancellationToken)
    {
        var page = await queries.ListAsync(context.RequiredCaller(), request, cancellationToken);
        return page.Error is { } error ? error.ToProblem() : TypedResults.Ok(AgentPageResponse.From(page.Value!));
    }

    private static async Task<Results<Ok<AgentResponse>, ProblemHttpResult>> ApproveAsync(
        string site, string address, HttpContext context, AgentRegistry registry, CancellationToken cancellationToken)
    {
        var agent = await registry.ApproveAsync(context.RequiredCaller(), ProvisioningApi.Actor(context), site, address, cancellationToken);
        return agent.Error is { } error ? error.ToProblem() : TypedResults.Ok(AgentResponse.From(agent.Value!));
    }
}
