using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;

namespace Sankofa.Ledger.Resources;

/// <summary>
/// Whether a resource is what the chain says it is: the spec hash recomputed from the spec (not taken from whoever
/// reports it), compared with the ResourceRegistry's record — request hash, site, host, both attestations, Verified.
/// The CLI (<c>sankofa vm verify</c>) and the portal's Verify button run this same check on what they read from the chain.
/// </summary>
public static class ResourceChainCheck
{
    /// <summary>Checks a resource against its on-chain record (null: the chain holds none).</summary>
    /// <param name="id">Resource id.</param>
    /// <param name="status">The status reported for it.</param>
    /// <param name="spec">Its spec, as reported.</param>
    /// <param name="reportedSpecHash">The spec hash reported (0x hex).</param>
    /// <param name="siteId">The site it is reported on.</param>
    /// <param name="hostId">The host it is reported on.</param>
    /// <param name="onChain">The chain's record.</param>
    public static ResourceChainVerification Check(
        string id, ResourceStatus status, ResourceSpec spec, string reportedSpecHash, string siteId, string hostId, OnChainResource? onChain)
    {
        var hash = SpecHash.Of(spec);
        var hex = "0x" + Convert.ToHexStringLower(hash);
        var checks = new List<ChainCheck> { new(string.Equals(hex, reportedSpecHash, StringComparison.OrdinalIgnoreCase), $"the spec hash recomputed here ({hex}) is the one reported") };
        if (onChain is null)
        {
            var pending = status == ResourceStatus.Requested;
            checks.Add(new(false, $"the chain holds a record of {id}"));
            return new(pending ? "pending" : "failed", pending ? $"{id} is not on chain yet (status {status})." : $"{id}: the chain holds nothing for it.", checks, null);
        }

        checks.Add(new(onChain.SpecHash.AsSpan().SequenceEqual(hash), "the chain recorded the same spec hash at request"));
        checks.Add(new(onChain.Site.AsSpan().SequenceEqual(LedgerIds.Of(siteId)), $"the chain places it on site {siteId}"));
        checks.Add(new(onChain.Host.AsSpan().SequenceEqual(LedgerIds.Of(hostId)), $"the chain places it on host {hostId}"));
        checks.Add(new(onChain.ControlPlaneAttestation.AsSpan().SequenceEqual(hash), "the control plane attested this spec"));
        checks.Add(new(onChain.SiteAttestation.AsSpan().SequenceEqual(hash), $"site {siteId} attested this spec with its own key"));
        checks.Add(new(onChain.Verified, "the contract says Verified"));
        var state = onChain.State.ToString().ToLowerInvariant();
        if (checks.All(c => c.Passed))
        {
            return new("verified", $"{id} is verified on chain: control plane and site {siteId} attested spec {hex}.", checks, state);
        }

        // Still on its way (not provisioned or attested yet) is not a mismatch; anything contradicting the record is.
        var onItsWay = onChain.State is OnChainResourceState.Requested or OnChainResourceState.Placed or OnChainResourceState.Provisioned
                       && checks.Take(4).All(c => c.Passed) && onChain.SiteAttestation.AsSpan().IndexOfAnyExcept((byte)0) < 0;
        return new(onItsWay ? "pending" : "failed", onItsWay ? $"{id} is {state} on chain, not verified yet." : $"{id} does NOT verify (on chain: {state}).", checks, state);
    }
}

/// <summary>The outcome of <see cref="ResourceChainCheck"/>.</summary>
/// <param name="Status">verified, pending or failed.</param>
/// <param name="Summary">One line for people.</param>
/// <param name="Checks">Each check and whether it passed.</param>
/// <param name="OnChainState">The chain's lifecycle state, when it holds the resource.</param>
public sealed record ResourceChainVerification(string Status, string Summary, IReadOnlyList<ChainCheck> Checks, string? OnChainState);

/// <summary>One check of a verification.</summary>
/// <param name="Passed">Whether it holds.</param>
/// <param name="Description">What was checked.</param>
public sealed record ChainCheck(bool Passed, string Description);
