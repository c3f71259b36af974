using Nethereum.Contracts;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Contracts;

/// <summary>Read calls on ResourceRegistry, shared by the ledger and the key-less <see cref="ResourceRegistryReader"/>.</summary>
internal static class ResourceRegistryCalls
{
    public static async Task<OnChainResource?> GetAsync(JsonRpcClient rpc, string contract, string resourceId, CancellationToken cancellationToken)
    {
        var id = LedgerIds.Of(resourceId);
        var output = await CallAsync(rpc, contract, new ResourceOfFunction { ResourceId = id }, cancellationToken).ConfigureAwait(false);
        var r = new ResourceOfOutput().DecodeOutput(output).Resource;
        if (r.State == 0)
        {
            return null;
        }

        var verified = Hex.ToBytes(await CallAsync(rpc, contract, new IsVerifiedFunction { ResourceId = id }, cancellationToken).ConfigureAwait(false));
        return new OnChainResource(
            (OnChainResourceState)r.State, r.SpecHash, r.Site, r.Host, r.ControlPlaneAttestation, r.SiteAttestation,
            (long)r.UpdatedBlock, verified.Length == 32 && verified[31] == 1);
    }

    public static async Task<string> CallAsync<TFunction>(JsonRpcClient rpc, string contract, TFunction function, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new()
    {
        var output = await rpc.CallAsync("eth_call", cancellationToken, new { to = contract, data = Hex.Bytes(function.GetCallData()) }, "latest").ConfigureAwait(false);
        return output.GetString() ?? "0x";
    }
}
