using System.Security.Cryptography;
using Sankofa.Core.Ledger;

namespace Sankofa.Core.Tests.Fakes;

/// <summary>
/// The ResourceRegistry's rules in memory: transitions in order, idempotent repeats, refusals as the ledger reports
/// them (<see cref="InvalidOperationException"/>), Verified when both attestations match the request. Signatures are
/// not checked. <see cref="Snapshot"/> and <see cref="Revert"/> make it lose its newest records, as a chain that lost
/// its last blocks does.
/// </summary>
internal sealed class FakeResourceLedger : IResourceLedger
{
    private readonly Lock _sync = new();
    private Dictionary<string, OnChainResource> _records = new(StringComparer.Ordinal);
    private long _block;

    /// <summary>When set, every transition throws this (the chain is unreachable, say).</summary>
    public Exception? FailWith { get; set; }

    /// <summary>What the chain holds now.</summary>
    public IReadOnlyDictionary<string, OnChainResource> Snapshot()
    {
        lock (_sync)
        {
            return new Dictionary<string, OnChainResource>(_records, StringComparer.Ordinal);
        }
    }

    /// <summary>Goes back to a snapshot: everything recorded since is lost.</summary>
    public void Revert(IReadOnlyDictionary<string, OnChainResource> snapshot)
    {
        lock (_sync)
        {
            _records = new Dictionary<string, OnChainResource>(snapshot, StringComparer.Ordinal);
        }
    }

    public Task<LedgerReceipt> RecordRequestedAsync(string resourceId, byte[] specHash, CancellationToken cancellationToken) =>
        Transition(resourceId, r => r is null
            ? New(specHash)
            : r.SpecHash.AsSpan().SequenceEqual(specHash) ? r : throw Refused("Conflict", resourceId));

    public Task<LedgerReceipt> RecordPlacedAsync(string resourceId, string siteId, string hostId, CancellationToken cancellationToken) =>
        Transition(resourceId, r => r?.State switch
        {
            OnChainResourceState.Requested => r with { State = OnChainResourceState.Placed, Site = Id(siteId), Host = Id(hostId) },
            OnChainResourceState.Placed or OnChainResourceState.Provisioned when r.Site.AsSpan().SequenceEqual(Id(siteId)) => r,
            _ => throw Refused("InvalidTransition", resourceId),
        });

    public Task<LedgerReceipt> RecordProvisionedAsync(string resourceId, byte[] specHash, CancellationToken cancellationToken) =>
        Transition(resourceId, r => r?.State switch
        {
            OnChainResourceState.Placed => r with { State = OnChainResourceState.Provisioned, ControlPlaneAttestation = specHash },
            OnChainResourceState.Provisioned when r.ControlPlaneAttestation.AsSpan().SequenceEqual(specHash) => r,
            _ => throw Refused("InvalidTransition", resourceId),
        });

    public Task<LedgerReceipt> RecordSiteAttestationAsync(string resourceId, byte[] specHash, byte[] signature, CancellationToken cancellationToken) =>
        Transition(resourceId, r => r?.State is OnChainResourceState.Placed or OnChainResourceState.Provisioned
            ? r with { SiteAttestation = specHash }
            : throw Refused("InvalidTransition", resourceId));

    public Task<LedgerReceipt> RecordResizedAsync(string resourceId, byte[] specHash, CancellationToken cancellationToken) =>
        Transition(resourceId, r => r?.State switch
        {
            OnChainResourceState.Placed when r.SpecHash.AsSpan().SequenceEqual(specHash) => r,
            OnChainResourceState.Placed or OnChainResourceState.Provisioned when !r.SpecHash.AsSpan().SequenceEqual(specHash) =>
                r with { State = OnChainResourceState.Placed, SpecHash = specHash, ControlPlaneAttestation = new byte[32], SiteAttestation = new byte[32] },
            _ => throw Refused("InvalidTransition", resourceId),
        });

    public Task<LedgerReceipt> RecordRemovalRequestedAsync(string resourceId, CancellationToken cancellationToken) =>
        Transition(resourceId, r => r?.State switch
        {
            null => throw Refused("InvalidTransition", resourceId),
            OnChainResourceState.Removing or OnChainResourceState.Deleted => r,
            _ => r with { State = OnChainResourceState.Removing },
        });

    public Task<LedgerReceipt> RecordDeletedAsync(string resourceId, CancellationToken cancellationToken) =>
        Transition(resourceId, r => r is null ? throw Refused("InvalidTransition", resourceId) : r with { State = OnChainResourceState.Deleted });

    public Task<LedgerReceipt> RegisterSiteKeyAsync(string siteId, string address, byte[] proof, CancellationToken cancellationToken) => Task.FromResult(Receipt());

    public Task<string?> GetSiteKeyAsync(string siteId, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public Task<LedgerReceipt?> FindSiteKeyRegistrationAsync(string siteId, string address, CancellationToken cancellationToken) => Task.FromResult<LedgerReceipt?>(null);

    public Task<byte[]> AttestationDigestAsync(string resourceId, byte[] specHash, CancellationToken cancellationToken) =>
        Task.FromResult(SHA256.HashData([.. Id(resourceId), .. specHash]));

    public Task<LedgerReceipt> RotateSiteKeyAsync(string siteId, string newAddress, byte[] signatureByOldKey, byte[] proofByNewKey, CancellationToken cancellationToken) =>
        Task.FromResult(Receipt());

    public Task<LedgerReceipt> RevokeSiteKeyAsync(string siteId, CancellationToken cancellationToken) => Task.FromResult(Receipt());

    public Task<byte[]> SiteKeyDigestAsync(string siteId, string address, CancellationToken cancellationToken) =>
        Task.FromResult(SHA256.HashData([.. Id(siteId), .. Id(address)]));

    public Task<byte[]> SiteKeyRotationDigestAsync(string siteId, string oldAddress, string newAddress, CancellationToken cancellationToken) =>
        Task.FromResult(SHA256.HashData([.. Id(siteId), .. Id(oldAddress), .. Id(newAddress)]));

    public Task<OnChainResource?> GetAsync(string resourceId, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult(_records.TryGetValue(resourceId, out var r) ? r with { Verified = IsVerified(r) } : null);
        }
    }

    public async Task<bool> IsVerifiedAsync(string resourceId, CancellationToken cancellationToken) =>
        (await GetAsync(resourceId, cancellationToken).ConfigureAwait(false))?.Verified ?? false;

    public async Task<IReadOnlyList<bool>> AreVerifiedAsync(IReadOnlyList<string> resourceIds, CancellationToken cancellationToken)
    {
        var answers = new List<bool>(resourceIds.Count);
        foreach (var id in resourceIds)
        {
            answers.Add(await IsVerifiedAsync(id, cancellationToken).ConfigureAwait(false));
        }

        return answers;
    }

    public byte[] ChainKeyOf(string resourceId) => Id(resourceId);

    /// <summary>Resources whose record changed after the block (repeats count here, unlike on the contract), at their current record.</summary>
    public Task<ResourceChainChanges> GetChangedAfterAsync(long? afterBlock, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult(new ResourceChainChanges(_block,
            [
                .. _records.Where(r => r.Value.UpdatedBlock > (afterBlock ?? 0)).OrderBy(r => r.Value.UpdatedBlock)
                    .Select(r => new ChangedResource(Id(r.Key), r.Value with { Verified = IsVerified(r.Value) }, 1)),
            ]));
        }
    }

    private Task<LedgerReceipt> Transition(string resourceId, Func<OnChainResource?, OnChainResource> apply)
    {
        if (FailWith is { } failure)
        {
            return Task.FromException<LedgerReceipt>(failure);
        }

        lock (_sync)
        {
            try
            {
                _records[resourceId] = apply(_records.GetValueOrDefault(resourceId)) with { UpdatedBlock = ++_block };
                return Task.FromResult(Receipt());
            }
            catch (InvalidOperationException ex)
            {
                return Task.FromException<LedgerReceipt>(ex);
            }
        }
    }

    private static bool IsVerified(OnChainResource r) =>
        r.State == OnChainResourceState.Provisioned && r.ControlPlaneAttestation.AsSpan().SequenceEqual(r.SpecHash) && r.SiteAttestation.AsSpan().SequenceEqual(r.SpecHash);

    private static OnChainResource New(byte[] specHash) =>
        new(OnChainResourceState.Requested, specHash, new byte[32], new byte[32], new byte[32], new byte[32], 0, false);

    private LedgerReceipt Receipt() => new("0x" + Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(_block))), _block);

    private static byte[] Id(string id) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id));

    private static InvalidOperationException Refused(string error, string resourceId) => new($"ResourceRegistry refuses the call: {error} ({resourceId}).");
}
