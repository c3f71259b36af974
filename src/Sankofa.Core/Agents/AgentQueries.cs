using Sankofa.Core.Access;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Agents;

/// <summary>Every read of site agents, for platform callers holding <see cref="Permission.AgentsRead"/>; REST, the portal and the CLI map these.</summary>
/// <param name="store">Where agents live.</param>
/// <param name="catalog">The fleet's sites.</param>
public sealed class AgentQueries(IAgentStore store, SiteCatalog catalog)
{
    /// <summary>Largest page a list returns.</summary>
    public const int MaxPageSize = 500;

    /// <summary>A page of agents in registration order, of one site or all.</summary>
    public async Task<Result<AgentPage>> ListAsync(Caller caller, AgentListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!caller.HasAny(Permission.AgentsRead))
        {
            return AccessErrors.Forbidden(Permission.AgentsRead);
        }

        if (request.SiteId is { } siteId && catalog.Find(siteId) is null)
        {
            return Error.NotFound("site", $"There is no site '{siteId}' in the catalog.");
        }

        if (request.Limit is < 1 or > MaxPageSize)
        {
            return Error.Invalid(new Dictionary<string, string[]> { ["limit"] = [$"Must be between 1 and {MaxPageSize}."] });
        }

        var take = request.Limit ?? 100;
        var found = await store.ListAsync(request.SiteId, request.After, take + 1, cancellationToken).ConfigureAwait(false);
        var items = found.Take(take).ToList();
        return Result<AgentPage>.Ok(new AgentPage(items, found.Count > take ? items[^1].Seq : null));
    }
}
