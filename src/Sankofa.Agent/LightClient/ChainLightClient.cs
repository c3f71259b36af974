using Microsoft.Extensions.Options;
using Sankofa.Agent.Protocol;

namespace Sankofa.Agent.LightClient;

/// <summary>
/// What the agent reads from the chain, proven: the latest header is proven by <see cref="HeaderVerifier"/>, then the
/// storage slot by <c>eth_getProof</c> against that header's state root. Whoever serves the JSON-RPC endpoint (the
/// control plane, a node) can withhold answers but cannot make a false one pass.
/// </summary>
public sealed class ChainLightClient
{
    private readonly ChainRpcClient _rpc;
    private readonly HeaderVerifier _headers;
    private readonly long _chainId;
    private readonly int _maxProofAge;
    private readonly TimeProvider _time;
    private volatile HeadRead? _head;
    private int _chainChecked;

    /// <summary>
    /// How long the newest header proven counts as the chain's head when a sent proof's age is judged: orders come in
    /// bursts, and asking for the head for each cost the chain more than the proofs it spared.
    /// </summary>
    public static readonly TimeSpan HeadReuse = TimeSpan.FromSeconds(1);

    /// <summary>Creates the light client.</summary>
    public ChainLightClient(ChainRpcClient rpc, HeaderVerifier headers, IOptions<LightClientOptions> options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(options);
        _rpc = rpc;
        _headers = headers;
        _chainId = options.Value.ChainId;
        _maxProofAge = options.Value.MaxProofAge;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The value of storage slot <paramref name="slot"/> of contract <paramref name="contract"/> at the latest block, proven.</summary>
    /// <exception cref="ChainVerificationException">The header or a proof does not check, or the endpoint serves another chain.</exception>
    /// <exception cref="ChainRpcException">The endpoint could not be read.</exception>
    public async Task<ProvenStorage> ReadStorageAsync(string contract, byte[] slot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var read = await ReadStorageAsync(contract, [slot], cancellationToken).ConfigureAwait(false);
        return new ProvenStorage(read.Values[0], read.Block);
    }

    /// <summary>
    /// The values of several storage slots of <paramref name="contract"/> at the same latest block, proven with one
    /// <c>eth_getProof</c>: values read together are consistent with each other.
    /// </summary>
    /// <exception cref="ChainVerificationException">The header or a proof does not check, or the endpoint serves another chain.</exception>
    /// <exception cref="ChainRpcException">The endpoint could not be read.</exception>
    public async Task<ProvenSlots> ReadStorageAsync(string contract, IReadOnlyList<byte[]> slots, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slots);
        await CheckChainAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            var header = await _headers.VerifyAsync(await _rpc.GetBlockHeaderAsync(null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            try
            {
                var proof = await _rpc.GetProofAsync(contract, slots, header.Header.Number, cancellationToken).ConfigureAwait(false);
                return new ProvenSlots(StateProofVerifier.VerifyStorage(header.Header.StateRoot, contract, slots, proof), header);
            }
            catch (Exception ex) when (attempt < 3 && ex is ChainRpcException or ChainVerificationException)
            {
                // The node keeps the state of its last blocks only (anvil: 64), and a busy chain moves on while the
                // header is proven: the proof is asked again at a newer head. A node that keeps failing is reported.
            }
        }
    }

    /// <summary>
    /// What the ResourceRegistry at <paramref name="registry"/> holds for <paramref name="resourceId"/> that the agent acts
    /// on (state, site attestation count, requested spec hash, placement site), proven with one proof at one block.
    /// </summary>
    /// <exception cref="ChainVerificationException">The header or a proof does not check, or the endpoint serves another chain.</exception>
    /// <exception cref="ChainRpcException">The endpoint could not be read.</exception>
    public async Task<ProvenResource> ReadResourceAsync(string registry, string resourceId, CancellationToken cancellationToken)
    {
        var read = await ReadStorageAsync(registry, RegistrySlots.Resource(resourceId), cancellationToken).ConfigureAwait(false);
        return Resource(read.Values, read.Block);
    }

    /// <summary>
    /// What <paramref name="proof"/>, an <c>eth_getProof</c> of the registry at block <paramref name="blockNumber"/> that
    /// someone else read (the control plane, for many orders at once), shows for <paramref name="resourceId"/>: the
    /// block's header is proven like any other, must be at most <see cref="LightClientOptions.MaxProofAge"/> blocks behind
    /// the latest proven head, and the proof must hold against its state root. Where the proof came from does not matter.
    /// </summary>
    /// <exception cref="ChainVerificationException">The header or the proof does not check, the block is too old, or the endpoint serves another chain.</exception>
    /// <exception cref="ChainRpcException">The endpoint could not be read.</exception>
    public async Task<ProvenResource> VerifyResourceAsync(string registry, string resourceId, long blockNumber, AccountProof proof, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proof);
        await CheckChainAsync(cancellationToken).ConfigureAwait(false);
        var block = await _headers.VerifyNumberAsync(blockNumber, cancellationToken).ConfigureAwait(false);
        var head = await HeadAsync(cancellationToken).ConfigureAwait(false);
        if (head.Header.Number - blockNumber > _maxProofAge)
        {
            throw new ChainVerificationException(
                $"the proof is of block {blockNumber}, {head.Header.Number - blockNumber} blocks behind the head {head.Header.Number}: older than {LightClientOptions.SectionName}:MaxProofAge ({_maxProofAge}).");
        }

        return Resource(StateProofVerifier.VerifyStorage(block.Header.StateRoot, registry, RegistrySlots.Resource(resourceId), proof), block);
    }

    /// <summary>The chain's newest header, proven; one proven less than <see cref="HeadReuse"/> ago is taken as it is.</summary>
    private async Task<VerifiedHeader> HeadAsync(CancellationToken cancellationToken)
    {
        if (_head is { } known && _time.GetElapsedTime(known.At) < HeadReuse)
        {
            return known.Header;
        }

        var head = await _headers.VerifyAsync(await _rpc.GetBlockHeaderAsync(null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        _head = new HeadRead(head, _time.GetTimestamp());
        return head;
    }

    private sealed record HeadRead(VerifiedHeader Header, long At);

    private static ProvenResource Resource(IReadOnlyList<byte[]> values, VerifiedHeader block) =>
        new(ResourceHeaderWord.Decode(values[0]), values[1], values[2], block);

    private async Task CheckChainAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _chainChecked) == 0)
        {
            var chainId = await _rpc.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
            if (chainId != _chainId)
            {
                throw new ChainVerificationException($"the endpoint serves chain {chainId}, not chain {_chainId} ({LightClientOptions.SectionName}:ChainId).");
            }

            Volatile.Write(ref _chainChecked, 1);
        }
    }
}

/// <summary>A storage value proven against a verified header.</summary>
/// <param name="Value">The slot's 32 bytes, big-endian.</param>
/// <param name="Block">The header the value was proven at, with why it is trusted.</param>
public sealed record ProvenStorage(byte[] Value, VerifiedHeader Block);

/// <summary>Storage values proven together against one verified header.</summary>
/// <param name="Values">Each slot's 32 bytes, big-endian, in the order asked.</param>
/// <param name="Block">The header the values were proven at, with why it is trusted.</param>
public sealed record ProvenSlots(IReadOnlyList<byte[]> Values, VerifiedHeader Block);

/// <summary>What the ResourceRegistry holds for one resource, proven at one block.</summary>
/// <param name="Header">State, attestation flags, last block and site attestation count.</param>
/// <param name="RequestedSpecHash">The spec hash recorded at request (zero when never requested).</param>
/// <param name="Site">keccak-256 of the site it was placed at (zero until placed).</param>
/// <param name="Block">The header the values were proven at, with why it is trusted.</param>
public sealed record ProvenResource(ResourceHeaderWord Header, byte[] RequestedSpecHash, byte[] Site, VerifiedHeader Block);
