using Microsoft.Extensions.Logging;
using Nethereum.Contracts;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Resources;

/// <summary>
/// Records resource transitions on ResourceRegistry through the pipelined gateway. Each call is first run as an
/// eth_call, so a transition the contract would refuse fails here with the contract's reason instead of costing a
/// reverted transaction; the operation id is the transition itself, so a retry joins the one in flight.
/// </summary>
internal sealed partial class ResourceLedger(LedgerRuntime runtime, ILogger<ResourceLedger> logger) : IResourceLedger
{
    // Generous for every transition (the most expensive, a first attest, stays under 100k).
    private const long TransitionGas = 200_000;

    public Task<LedgerReceipt> RecordRequestedAsync(string resourceId, byte[] specHash, CancellationToken cancellationToken) =>
        SendAsync($"resource:{resourceId}:request:{Short(specHash)}",
            new RequestFunction { ResourceId = LedgerIds.Of(resourceId), SpecHash = Hash32(specHash, nameof(specHash)) }, cancellationToken);

    public Task<LedgerReceipt> RecordPlacedAsync(string resourceId, string siteId, string hostId, CancellationToken cancellationToken) =>
        SendAsync($"resource:{resourceId}:place:{siteId}/{hostId}",
            new PlaceFunction { ResourceId = LedgerIds.Of(resourceId), Site = LedgerIds.Of(siteId), Host = LedgerIds.Of(hostId) }, cancellationToken);

    public Task<LedgerReceipt> RecordProvisionedAsync(string resourceId, byte[] specHash, CancellationToken cancellationToken) =>
        SendAsync($"resource:{resourceId}:provisioned:{Short(specHash)}",
            new ProvisionedFunction { ResourceId = LedgerIds.Of(resourceId), SpecHash = Hash32(specHash, nameof(specHash)) }, cancellationToken);

    public Task<LedgerReceipt> RecordSiteAttestationAsync(string resourceId, byte[] specHash, byte[] signature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (signature.Length != 65)
        {
            throw new ArgumentException("A site signature is 65 bytes (r, s, v).", nameof(signature));
        }

        return SendAsync($"resource:{resourceId}:attest:{Short(specHash)}",
            new AttestFunction { ResourceId = LedgerIds.Of(resourceId), SpecHash = Hash32(specHash, nameof(specHash)), Signature = signature },
            cancellationToken);
    }

    public Task<LedgerReceipt> RecordDeletedAsync(string resourceId, CancellationToken cancellationToken) =>
        SendAsync($"resource:{resourceId}:remove", new RemoveFunction { ResourceId = LedgerIds.Of(resourceId) }, cancellationToken);

    public Task<LedgerReceipt> RegisterSiteKeyAsync(string siteId, string address, CancellationToken cancellationToken) =>
        SendAsync($"site:{siteId}:key:{address.ToUpperInvariant()}",
            new SetSiteKeyFunction { Site = LedgerIds.Of(siteId), Key = address }, cancellationToken);

    public async Task<byte[]> AttestationDigestAsync(string resourceId, byte[] specHash, CancellationToken cancellationToken)
    {
        var output = await CallAsync(new AttestationDigestFunction { ResourceId = LedgerIds.Of(resourceId), SpecHash = Hash32(specHash, nameof(specHash)) }, cancellationToken)
            .ConfigureAwait(false);
        return Hex.ToBytes(output)[..32];
    }

    public Task<OnChainResource?> GetAsync(string resourceId, CancellationToken cancellationToken)
    {
        var connection = runtime.Connection;
        return ResourceRegistryCalls.GetAsync(connection.Rpc, connection.ResourceRegistryAddress, resourceId, cancellationToken);
    }

    private async Task<LedgerReceipt> SendAsync<TFunction>(string operationId, TFunction function, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new()
    {
        var connection = runtime.Connection;
        var data = function.GetCallData();
        try
        {
            await connection.Rpc.CallAsync("eth_call", cancellationToken,
                new { from = connection.SignerAddress, to = connection.ResourceRegistryAddress, data = Hex.Bytes(data) }, "latest").ConfigureAwait(false);
        }
        catch (JsonRpcException ex)
        {
            throw new InvalidOperationException($"ResourceRegistry refuses {operationId}: {ex.Message}", ex);
        }

        var receipt = await connection.Gateway.SendAsync(
            new TransactionRequest(operationId, connection.ResourceRegistryAddress, data, TransitionGas), cancellationToken).ConfigureAwait(false);
        if (!receipt.Succeeded)
        {
            // The state changed between the check and the transaction (another writer); the caller re-reads and decides.
            throw new InvalidOperationException($"ResourceRegistry reverted {operationId} in transaction {receipt.TransactionHash}.");
        }

        Log.Recorded(logger, operationId, receipt.TransactionHash, receipt.BlockNumber);
        return new LedgerReceipt(receipt.TransactionHash, receipt.BlockNumber);
    }

    private Task<string> CallAsync<TFunction>(TFunction function, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new()
    {
        var connection = runtime.Connection;
        return ResourceRegistryCalls.CallAsync(connection.Rpc, connection.ResourceRegistryAddress, function, cancellationToken);
    }

    private static byte[] Hash32(byte[] hash, string name) =>
        hash is { Length: 32 } && hash.AsSpan().ContainsAnyExcept((byte)0)
            ? hash
            : throw new ArgumentException("Must be a 32-byte hash, not all zero.", name);

    private static string Short(byte[] hash) => Convert.ToHexStringLower(hash.AsSpan(0, Math.Min(8, hash.Length)));

    private static partial class Log
    {
        [LoggerMessage(70, LogLevel.Debug, "Recorded {Operation} in transaction {Transaction} (block {Block})")]
        public static partial void Recorded(ILogger logger, string operation, string transaction, long block);
    }
}
