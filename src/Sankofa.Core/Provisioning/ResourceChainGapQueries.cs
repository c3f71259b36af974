using Sankofa.Core.Access;
using Sankofa.Core.Identity;

namespace Sankofa.Core.Provisioning;

/// <summary>
/// Reads what the comparisons of the store with the chain found (<see cref="ResourceChainGap"/>). Findings span every
/// tenant and may name resources the store does not know, so only those who may read the audit log (administrators,
/// auditors) see them, as with the audit log's own chain gaps.
/// </summary>
/// <param name="gaps">Where the findings are kept.</param>
public sealed class ResourceChainGapQueries(IResourceChainGapStore gaps)
{
    /// <summary>Every finding, oldest first.</summary>
    public async Task<Result<IReadOnlyList<ResourceChainGap>>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Can(Permission.AuditRead, null))
        {
            return AccessErrors.Forbidden(Permission.AuditRead);
        }

        return Result<IReadOnlyList<ResourceChainGap>>.Ok(await gaps.ListAsync(cancellationToken).ConfigureAwait(false));
    }
}
