using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Ledger.Resources;
using Sankofa.Server.Provisioning;

namespace Sankofa.Cli.Vm;

/// <summary>
/// <c>sankofa vm verify</c>: the server only names the resource's spec, site and host; the CLI recomputes the spec hash
/// itself and reads the record straight from the chain's ResourceRegistry, so a server that lies about either is caught.
/// </summary>
internal static class ResourceVerifier
{
    public static async Task<ResourceVerification> VerifyAsync(VmApiClient api, string id, Uri? rpcUrl, string? contract, CancellationToken ct)
    {
        var resource = await api.GetAsync(id, ct);
        if (rpcUrl is null || contract is null)
        {
            var ledger = await api.GetLedgerAsync(ct);
            rpcUrl ??= new Uri(ledger.RpcUrl);
            contract ??= ledger.ResourceRegistryAddress;
        }

        using var reader = new ResourceRegistryReader(rpcUrl, contract);
        var onChain = await reader.GetAsync(id, ct);
        var spec = new ResourceSpec(resource.Spec.Vcpu, resource.Spec.RamMiB, resource.Spec.DiskGiB, resource.Spec.Template, resource.Spec.SshKeys, resource.Spec.CloudInitUser);
        var hash = SpecHash.Of(spec);
        var hex = Hex(hash);
        var checks = new List<VerificationCheck> { new(hex == resource.SpecHash, $"the spec hash recomputed here ({hex}) is the one the server reports") };
        if (onChain is null)
        {
            var pending = resource.Status == ResourceStatus.Requested;
            checks.Add(new(false, $"the chain holds a record of {id}"));
            return new ResourceVerification(id, pending ? "pending" : "failed",
                pending ? $"{id} is not on chain yet (status {resource.Status})." : $"{id}: the chain holds nothing for it.", checks, rpcUrl.ToString(), contract, null);
        }

        checks.Add(new(onChain.SpecHash.AsSpan().SequenceEqual(hash), "the chain recorded the same spec hash at request"));
        checks.Add(new(onChain.Site.AsSpan().SequenceEqual(LedgerIds.Of(resource.Placement.SiteId)), $"the chain places it on site {resource.Placement.SiteId}"));
        checks.Add(new(onChain.Host.AsSpan().SequenceEqual(LedgerIds.Of(resource.Placement.HostId)), $"the chain places it on host {resource.Placement.HostId}"));
        checks.Add(new(onChain.ControlPlaneAttestation.AsSpan().SequenceEqual(hash), "the control plane attested this spec"));
        checks.Add(new(onChain.SiteAttestation.AsSpan().SequenceEqual(hash), $"site {resource.Placement.SiteId} attested this spec with its own key"));
        checks.Add(new(onChain.Verified, "the contract says Verified"));
        var state = onChain.State.ToString().ToLowerInvariant();
        if (checks.All(c => c.Passed))
        {
            return new ResourceVerification(id, "verified", $"{id} is verified on chain: control plane and site {resource.Placement.SiteId} attested spec {hex}.",
                checks, rpcUrl.ToString(), contract, state);
        }

        // Still on its way (not provisioned or attested yet) is not a mismatch; anything contradicting the record is.
        var onItsWay = onChain.State is OnChainResourceState.Requested or OnChainResourceState.Placed or OnChainResourceState.Provisioned
                       && checks.Take(4).All(c => c.Passed) && onChain.SiteAttestation.AsSpan().IndexOfAnyExcept((byte)0) < 0;
        return new ResourceVerification(id, onItsWay ? "pending" : "failed",
            onItsWay ? $"{id} is {state} on chain, not verified yet." : $"{id} does NOT verify (on chain: {state}).", checks, rpcUrl.ToString(), contract, state);
    }

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);
}

/// <summary>The outcome of <c>sankofa vm verify</c>.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="Status">verified, pending or failed.</param>
/// <param name="Summary">One line for people.</param>
/// <param name="Checks">Each check and whether it passed.</param>
/// <param name="RpcUrl">Where the chain was read.</param>
/// <param name="Contract">The ResourceRegistry read.</param>
/// <param name="OnChainState">The chain's lifecycle state, when it holds the resource.</param>
internal sealed record ResourceVerification(
    string ResourceId, string Status, string Summary, IReadOnlyList<VerificationCheck> Checks, string RpcUrl, string Contract, string? OnChainState)
{
    public int ExitCode => Status switch { "verified" => VmCommand.Ok, "pending" => VmCommand.Pending, _ => VmCommand.Failed };
}

/// <summary>One check of a verification.</summary>
/// <param name="Passed">Whether it holds.</param>
/// <param name="Description">What was checked.</param>
internal sealed record VerificationCheck(bool Passed, string Description);
