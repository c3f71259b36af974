using Sankofa.Cli.Api;
using Sankofa.Core.Provisioning;
using Sankofa.Ledger.Resources;

namespace Sankofa.Cli.Vm;

/// <summary>
/// <c>sankofa vm verify</c>: the server only names the resource's spec, site and host; the CLI recomputes the spec hash
/// itself and reads the record straight from the chain's ResourceRegistry, so a server that lies about either is caught.
/// </summary>
internal static class ResourceVerifier
{
    public static async Task<ResourceVerification> VerifyAsync(SankofaApiClient api, string id, Uri? rpcUrl, string? contract, CancellationToken ct)
    {
        var resource = await api.GetResourceAsync(id, ct);
        if (rpcUrl is null || contract is null)
        {
            var ledger = await api.GetLedgerAsync(ct);
            rpcUrl ??= new Uri(ledger.RpcUrl);
            contract ??= ledger.ResourceRegistryAddress;
        }

        using var reader = new ResourceRegistryReader(rpcUrl, contract);
        var onChain = await reader.GetAsync(id, ct);
        var spec = new ResourceSpec(resource.Spec.Vcpu, resource.Spec.RamMiB, resource.Spec.DiskGiB, resource.Spec.Template, resource.Spec.SshKeys, resource.Spec.CloudInitUser);
        var result = ResourceChainCheck.Check(id, resource.Status, spec, resource.SpecHash, resource.Placement.SiteId, resource.Placement.HostId, onChain);
        return new ResourceVerification(id, result.Status, result.Summary, result.Checks, rpcUrl.ToString(), contract, result.OnChainState);
    }
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
    string ResourceId, string Status, string Summary, IReadOnlyList<ChainCheck> Checks, string RpcUrl, string Contract, string? OnChainState)
{
    public int ExitCode => Status switch { "verified" => VmCommand.Ok, "pending" => VmCommand.Pending, _ => VmCommand.Failed };
}
