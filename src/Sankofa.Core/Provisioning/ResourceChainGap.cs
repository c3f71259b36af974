namespace Sankofa.Core.Provisioning;

/// <summary>
/// A resource the chain holds further on than the store (or at all, when the store lacks it): what a store restored
/// from a backup lost, found at start by comparing the ResourceRegistry's events since the store's last comparison
/// with the store. Kept so operators see what was lost and what was done about it.
/// </summary>
/// <param name="ChainKey">The resource's key on chain (0x hex): keccak-256 of its id, the indexed topic of its events.</param>
/// <param name="ResourceId">Its id, when the store holds it or a VM on its site carries it; null when only its key is known.</param>
/// <param name="OnChainState">What the chain says: verified, or the contract's state in lower case (requested, placed, provisioned, removing, deleted).</param>
/// <param name="Block">The block of its last transition on chain.</param>
/// <param name="SpecHash">The spec hash the chain recorded (0x hex); the spec itself is not on chain.</param>
/// <param name="SiteId">The site the chain places it on, when it is one of this control plane's hypervisor sites; else null.</param>
/// <param name="StoreStatus">Its status in the store when found; null when the store does not know it.</param>
/// <param name="Vm">The VM on its site that carries its id, when one was found (node/vmid).</param>
/// <param name="Outcome"><c>adopted</c> when the store was brought in line with the chain; <c>reported</c> when it was left for people.</param>
/// <param name="Detail">What was found and done, in words.</param>
/// <param name="FoundAt">When it was found.</param>
public sealed record ResourceChainGap(
    string ChainKey, string? ResourceId, string OnChainState, long Block, string SpecHash, string? SiteId, ResourceStatus? StoreStatus, string? Vm,
    string Outcome, string Detail, DateTimeOffset FoundAt)
{
    /// <summary>The store was brought in line with the chain.</summary>
    public const string Adopted = "adopted";

    /// <summary>Left as found, for people to decide.</summary>
    public const string Reported = "reported";
}

/// <summary>Where the comparisons of the store with the chain's resource records are kept.</summary>
public interface IResourceChainGapStore
{
    /// <summary>The last block the previous comparison read; null when none was made (read from the registry's deployment).</summary>
    /// <remarks>Kept in the store itself, so a store restored from a backup reads again from where it was at the backup.</remarks>
    Task<long?> GetComparedToAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records findings (a resource already recorded keeps its first finding) and, when given, the block the comparison
    /// read up to, in one transaction.
    /// </summary>
    Task RecordAsync(IReadOnlyList<ResourceChainGap> gaps, long? comparedTo, CancellationToken cancellationToken);

    /// <summary>Every finding, oldest first.</summary>
    Task<IReadOnlyList<ResourceChainGap>> ListAsync(CancellationToken cancellationToken);
}
