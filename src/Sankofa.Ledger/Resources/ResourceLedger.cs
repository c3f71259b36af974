using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nethereum.Contracts;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Resources;

/// <summary>
/// Records resource transitions on ResourceRegistry. Concurrent calls are coalesced into multicall transactions by a
/// <see cref="TransitionBatcher"/>, which checks each batch with an eth_call first, so a transition the contract would
/// refuse fails here with the contract's reason instead of costing a reverted transaction.
/// </summary>
internal sealed class ResourceLedger : IResourceLedger, IAsyncDisposable
{
    // Most gas each transition uses inside a multicall, calldata aside: measured on the compiled contract (request 72k,
    // place 61k, attest 45k, provisioned 38k, setSiteKey 54k, rotateSiteKey 42k, remove 15k, revokeSiteKey 5k, each a
    // first write) plus about a third.
    private const long RequestGas = 100_000;
    private const long PlaceGas = 90_000;
    private const long PlaceInGas = 125_000;
    private const long ProvisionedGas = 60_000;
    private const long AttestGas = 70_000;
    private const long RemoveGas = 30_000;
    private const long ResizeGas = 50_000;
    private const long SetSiteKeyGas = 75_000;
    private const long RotateSiteKeyGas = 60_000;
    private const long RevokeSiteKeyGas = 10_000;

    private static readonly string SiteKeySetTopic = Hex.Bytes(Abi.Topic("SiteKeySet(bytes32,address)"));

    // Every event of the registry whose first indexed topic is a resource's key: one per transition that changed it.
    internal static readonly string[] ResourceEventTopics =
    [
        .. new[]
        {
            "Requested(bytes32,bytes32)", "Placed(bytes32,bytes32,bytes32)", "JurisdictionRecorded(bytes32,bytes32,bytes2)", "Provisioned(bytes32,bytes32)",
            "SiteAttested(bytes32,bytes32,bytes32)", "Resized(bytes32,bytes32,bytes32)", "RemovalRequested(bytes32)", "Deleted(bytes32)",
        }.Select(e => Hex.Bytes(Abi.Topic(e))),
    ];

    // Records read per JSON-RPC batch (two calls each).
    private const int RecordsPerBatch = 200;

    private readonly LedgerRuntime _runtime;
    private readonly TransitionBatcher _batcher;
    private readonly ResourceRecordCache _records;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<bool>> _hasJurisdictions = new(StringComparer.OrdinalIgnoreCase);

    public ResourceLedger(LedgerRuntime runtime, IOptions<LedgerOptions> options, TimeProvider time, ILogger<ResourceLedger> logger)
    {
        _runtime = runtime;
        _batcher = new TransitionBatcher(runtime, options.Value, time, logger);
        _records = new ResourceRecordCache(runtime, options.Value.RecordCache);
    }

    public Task<LedgerReceipt> RecordRequestedAsync(string resourceId, byte[] specHash, CancellationToken cancellationToken) =>
        SendAsync($"resource:{resourceId}:request:{Short(specHash)}",
            new RequestFunction { ResourceId = LedgerIds.Of(resourceId), SpecHash = Hash32(specHash, nameof(specHash)) }, RequestGas, cancellationToken);

    public Task<LedgerReceipt> RecordPlacedAsync(string resourceId, string siteId, string hostId, CancellationToken cancellationToken) =>
        SendAsync($"resource:{resourceId}:place:{siteId}/{hostId}",
            new PlaceFunction { ResourceId = LedgerIds.Of(resourceId), Site = LedgerIds.Of(siteId), Host = LedgerIds.Of(hostId) }, PlaceGas, cancellationToken);

    public async Task<LedgerReceipt> RecordPlacedAsync(string resourceId, string siteId, string hostId, string jurisdiction, CancellationToken cancellationToken)
    {
        var code = ResourceRegistryCalls.JurisdictionCode(jurisdiction);
        // A registry deployed before residency was recorded lacks placeIn until the board upgrades it: placement goes on.
        if (!await HasJurisdictionsAsync(cancellationToken).ConfigureAwait(false))
        {
            return await RecordPlacedAsync(resourceId, siteId, hostId, cancellationToken).ConfigureAwait(false);
        }

        return await SendAsync($"resource:{resourceId}:place:{siteId}/{hostId}/{jurisdiction}",
            new PlaceInFunction { ResourceId = LedgerIds.Of(resourceId), Site = LedgerIds.Of(siteId), Host = LedgerIds.Of(hostId), Jurisdiction = code },
            PlaceInGas, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> HasJurisdictionsAsync(CancellationToken cancellationToken)
    {
        var connection = _runtime.Connection;
        var probe = _hasJurisdictions.GetOrAdd(connection.ResourceRegistryAddress,
            _ => ResourceRegistryCalls.HasJurisdictionsAsync(connection.Rpc, connection.ResourceRegistryAddress, CancellationToken.None));
        try
        {
            return await probe.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (LedgerUnavailableException)
        {
            // Only an answer is kept: an unreachable node is asked again next time.
            _hasJurisdictions.TryRemove(new KeyValuePair<string, Task<bool>>(connection.ResourceRegistryAddress, probe));
            throw;
        }
    }

    public Task<LedgerReceipt> RecordProvisionedAsync(string resourceId, byte[] specHash, CancellationToken cancellationToken) =>
        SendAsync($"resource:{resourceId}:provisioned:{Short(specHash)}",
            new ProvisionedFunction { ResourceId = LedgerIds.Of(resourceId), SpecHash = Hash32(specHash, nameof(specHash)) }, ProvisionedGas, cancellationToken);

    public Task<LedgerReceipt> RecordSiteAttestationAsync(string resourceId, byte[] specHash, byte[] signature, CancellationToken cancellationToken) =>
        SendAsync($"resource:{resourceId}:attest:{Short(specHash)}",
            new AttestFunction { ResourceId = LedgerIds.Of(resourceId), SpecHash = Hash32(specHash, nameof(specHash)), Signature = Signature(signature, nameof(signature)) },
            AttestGas, cancellationToken);

    public Task<LedgerReceipt> RecordResizedAsync(string resourceId, byte[] specHash, CancellationToken cancellationToken) =>
        SendAsync($"resource:{resourceId}:resize:{Short(specHash)}",
            new ResizeFunction { ResourceId = LedgerIds.Of(resourceId), SpecHash = Hash32(specHash, nameof(specHash)) }, ResizeGas, cancellationToken);

    public Task<LedgerReceipt> RecordRemovalRequestedAsync(string resourceId, CancellationToken cancellationToken) =>
        // The same one-slot write as remove.
        SendAsync($"resource:{resourceId}:request-removal", new RequestRemovalFunction { ResourceId = LedgerIds.Of(resourceId) }, RemoveGas, cancellationToken);

    public Task<LedgerReceipt> RecordDeletedAsync(string resourceId, CancellationToken cancellationToken) =>
        SendAsync($"resource:{resourceId}:remove", new RemoveFunction { ResourceId = LedgerIds.Of(resourceId) }, RemoveGas, cancellationToken);

    public Task<LedgerReceipt> RegisterSiteKeyAsync(string siteId, string address, byte[] proof, CancellationToken cancellationToken)
    {
        var key = SiteKeyRegistration.Address(address, nameof(address));
        return SendAsync($"site:{siteId}:key:{key.ToUpperInvariant()}",
            new SetSiteKeyFunction { Site = LedgerIds.Of(siteId), Key = key, Proof = Signature(proof, nameof(proof)) }, SetSiteKeyGas, cancellationToken);
    }

    public Task<string?> GetSiteKeyAsync(string siteId, CancellationToken cancellationToken)
    {
        var connection = _runtime.Connection;
        return ResourceRegistryCalls.SiteKeyOfAsync(connection.Rpc, connection.ResourceRegistryAddress, siteId, cancellationToken);
    }

    public async Task<LedgerReceipt?> FindSiteKeyRegistrationAsync(string siteId, string address, CancellationToken cancellationToken)
    {
        var connection = _runtime.Connection;
        var key = SiteKeyRegistration.Address(address, nameof(address));
        var logs = await ChainLogs.GetAsync(connection.Rpc, connection.ResourceRegistryAddress, [SiteKeySetTopic, Hex.Bytes(LedgerIds.Of(siteId))],
            connection.DeploymentBlock, await ChainLogs.HeadAsync(connection.Rpc, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

        // SiteKeySet(bytes32 indexed site, address key): the key is the data's one word. A key serves one site once, so
        // at most one event matches.
        return logs
            .Where(log => string.Equals("0x" + Convert.ToHexStringLower(Hex.ToBytes(log.GetProperty("data").GetString()!)[^20..]), key, StringComparison.OrdinalIgnoreCase))
            .Select(log => new LedgerReceipt(log.GetProperty("transactionHash").GetString()!, Hex.ToLong(log.GetProperty("blockNumber"))))
            .LastOrDefault();
    }

    public Task<byte[]> AttestationDigestAsync(string resourceId, byte[] specHash, CancellationToken cancellationToken)
    {
        var connection = _runtime.Connection;
        return ResourceRegistryCalls.AttestationDigestAsync(connection.Rpc, connection.ResourceRegistryAddress, resourceId, Hash32(specHash, nameof(specHash)), cancellationToken);
    }

    public Task<LedgerReceipt> RotateSiteKeyAsync(string siteId, string newAddress, byte[] signatureByOldKey, byte[] proofByNewKey, CancellationToken cancellationToken)
    {
        var key = SiteKeyRegistration.Address(newAddress, nameof(newAddress));
        return SendAsync($"site:{siteId}:rotate:{key.ToUpperInvariant()}",
            new RotateSiteKeyFunction
            {
                Site = LedgerIds.Of(siteId),
                NewKey = key,
                SignatureByOldKey = Signature(signatureByOldKey, nameof(signatureByOldKey)),
                ProofByNewKey = Signature(proofByNewKey, nameof(proofByNewKey)),
            },
            RotateSiteKeyGas, cancellationToken);
    }

    public Task<LedgerReceipt> RevokeSiteKeyAsync(string siteId, CancellationToken cancellationToken) =>
        SendAsync($"site:{siteId}:revoke", new RevokeSiteKeyFunction { Site = LedgerIds.Of(siteId) }, RevokeSiteKeyGas, cancellationToken);

    public Task<byte[]> SiteKeyDigestAsync(string siteId, string address, CancellationToken cancellationToken)
    {
        var connection = _runtime.Connection;
        return Task.FromResult(SiteKeyRegistration.Digest(connection.ResourceRegistryAddress, connection.ChainId, siteId, SiteKeyRegistration.Address(address, nameof(address))));
    }

    public Task<byte[]> SiteKeyRotationDigestAsync(string siteId, string oldAddress, string newAddress, CancellationToken cancellationToken)
    {
        var connection = _runtime.Connection;
        return Task.FromResult(SiteKeyRegistration.RotationDigest(connection.ResourceRegistryAddress, connection.ChainId, siteId, oldAddress, newAddress));
    }

    public Task<OnChainResource?> GetAsync(string resourceId, CancellationToken cancellationToken)
    {
        var connection = _runtime.Connection;
        return ResourceRegistryCalls.GetAsync(connection.Rpc, connection.ResourceRegistryAddress, resourceId, cancellationToken);
    }

    public Task<OnChainRead> ReadAsync(string resourceId, DateTimeOffset storeChangedAt, CancellationToken cancellationToken) =>
        _records.ReadAsync(resourceId, storeChangedAt, cancellationToken);

    public Task<bool> IsVerifiedAsync(string resourceId, CancellationToken cancellationToken)
    {
        var connection = _runtime.Connection;
        return ResourceRegistryCalls.IsVerifiedAsync(connection.Rpc, connection.ResourceRegistryAddress, resourceId, cancellationToken);
    }

    public Task<IReadOnlyList<bool>> AreVerifiedAsync(IReadOnlyList<string> resourceIds, CancellationToken cancellationToken)
    {
        var connection = _runtime.Connection;
        return ResourceRegistryCalls.AreVerifiedAsync(connection.Rpc, connection.ResourceRegistryAddress, resourceIds, cancellationToken);
    }

    public byte[] ChainKeyOf(string resourceId) => LedgerIds.Of(resourceId);

    public async Task<ResourceChainChanges> GetChangedAfterAsync(long? afterBlock, CancellationToken cancellationToken)
    {
        var connection = _runtime.Connection;
        var head = await ChainLogs.HeadAsync(connection.Rpc, cancellationToken).ConfigureAwait(false);
        var from = afterBlock is { } after ? after + 1 : connection.DeploymentBlock;
        var logs = await ChainLogs.GetAsync(connection.Rpc, connection.ResourceRegistryAddress, [ResourceEventTopics], from, head, cancellationToken).ConfigureAwait(false);
        // One entry per resource, in the order the chain first changed it, with how many transitions it made.
        var touched = logs.GroupBy(log => log.GetProperty("topics")[1].GetString()!, StringComparer.OrdinalIgnoreCase)
            .Select(g => (Key: Hex.ToBytes(g.Key), Transitions: g.Count()))
            .ToList();
        var changed = new List<ChangedResource>(touched.Count);
        foreach (var chunk in touched.Chunk(RecordsPerBatch))
        {
            var records = await ResourceRegistryCalls.GetByKeysAsync(connection.Rpc, connection.ResourceRegistryAddress, [.. chunk.Select(c => c.Key)], cancellationToken).ConfigureAwait(false);
            changed.AddRange(chunk.Zip(records).Where(p => p.Second is not null).Select(p => new ChangedResource(p.First.Key, p.Second!, p.First.Transitions)));
        }

        return new ResourceChainChanges(head, changed);
    }

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();

    private Task<LedgerReceipt> SendAsync<TFunction>(string operation, TFunction function, long gas, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new() =>
        _batcher.SubmitAsync(new RegistryCall(operation, function.GetCallData(), gas, cancellationToken));

    private static byte[] Hash32(byte[] hash, string name) =>
        hash is { Length: 32 } && hash.AsSpan().ContainsAnyExcept((byte)0)
            ? hash
            : throw new ArgumentException("Must be a 32-byte hash, not all zero.", name);

    private static byte[] Signature(byte[] signature, string name) =>
        signature is { Length: 65 } ? signature : throw new ArgumentException("A signature is 65 bytes (r, s, v).", name);

    private static string Short(byte[] hash) => Convert.ToHexStringLower(hash.AsSpan(0, Math.Min(8, hash.Length)));
}
