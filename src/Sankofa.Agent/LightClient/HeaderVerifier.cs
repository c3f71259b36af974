using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sankofa.Agent.LightClient;

/// <summary>
/// Decides whether a header is part of the chain the agent trusts, starting from the configured
/// <see cref="TrustedCheckpoint"/>.
/// <list type="bullet">
/// <item>QBFT: the header's hash must check and a quorum of the checkpoint header's validators must have sealed it.
/// The validator set is the checkpoint's for good: changes voted in later blocks (or kept in a validator contract)
/// are not followed, so a header listing other validators is refused and the checkpoint must be moved past the change.</item>
/// <item>Embedded chain (anvil, no seals): the header must link by parent hashes down to the checkpoint (or to a newer
/// header already proven that way). The checkpoint itself is trusted without seals, and the log says so.</item>
/// </list>
/// </summary>
public sealed partial class HeaderVerifier
{
    private readonly ChainRpcClient _rpc;
    private readonly ChainConsensus _consensus;
    private readonly TrustedCheckpoint _checkpoint;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (long Number, byte[] Hash) _newestLinked;

    // The last headers proven by links (by number), so that a header older than the newest proven (a proof the control
    // plane read a few blocks ago) is checked against them rather than by a walk down to the checkpoint, or not even
    // asked for (VerifyNumberAsync).
    private readonly Dictionary<long, BlockHeader> _recentLinked = [];
    private IReadOnlyList<string>? _validators;
    private int _announced;

    /// <summary>Creates the verifier for the chain and checkpoint of <paramref name="options"/>.</summary>
    public HeaderVerifier(ChainRpcClient rpc, IOptions<LightClientOptions> options, ILogger<HeaderVerifier> logger)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _rpc = rpc;
        _consensus = options.Value.Consensus;
        _checkpoint = options.Value.GetCheckpoint();
        _logger = logger;
        _newestLinked = (_checkpoint.Number, _checkpoint.Hash);
    }

    /// <summary>The block trusted by configuration.</summary>
    public TrustedCheckpoint Checkpoint => _checkpoint;

    /// <summary>
    /// Proves the header of block <paramref name="number"/> or refuses it. On the embedded chain a header proven lately
    /// is not asked for again, and the blocks just after the newest proven are asked for in one batch and linked upward.
    /// </summary>
    /// <exception cref="ChainVerificationException">The header's hash, seals or links do not check, or it is older than the checkpoint.</exception>
    /// <exception cref="ChainRpcException">A header could not be read.</exception>
    public async Task<VerifiedHeader> VerifyNumberAsync(long number, CancellationToken cancellationToken)
    {
        if (_consensus == ChainConsensus.Embedded && number > _checkpoint.Number)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_recentLinked.TryGetValue(number, out var known))
                {
                    return Linked(known, known.ClaimedHash);
                }

                var (newest, newestHash) = _newestLinked;
                if (number > newest && number - newest <= ChainRpcClient.MaxBatch)
                {
                    var headers = await _rpc.GetBlockHeadersAsync(newest + 1, number, cancellationToken).ConfigureAwait(false);
                    HeaderChain.CheckLink(newest, newestHash, headers[0]);
                    var hash = HeaderChain.CheckLinks(headers, ChainConsensus.Embedded);
                    AnnounceNoSeals();
                    _newestLinked = (number, hash);
                    Remember(headers);
                    return Linked(headers[^1], hash);
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        return await VerifyAsync(await _rpc.GetBlockHeaderAsync(number, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Proves <paramref name="header"/> or refuses it.</summary>
    /// <exception cref="ChainVerificationException">The header's hash, seals or links do not check, or it is older than the checkpoint.</exception>
    /// <exception cref="ChainRpcException">A header needed for the proof could not be read.</exception>
    public async Task<VerifiedHeader> VerifyAsync(BlockHeader header, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        var hash = HeaderChain.VerifiedHash(header, _consensus);
        if (header.Number < _checkpoint.Number)
        {
            throw new ChainVerificationException($"block {header.Number} is older than the trusted checkpoint {_checkpoint.Number}; nothing before it is proven.");
        }

        if (header.Number == _checkpoint.Number)
        {
            return hash.AsSpan().SequenceEqual(_checkpoint.Hash)
                ? new VerifiedHeader(header, hash, $"block {header.Number} is the trusted checkpoint {_checkpoint.HashHex}")
                : throw new ChainVerificationException(
                    $"block {header.Number} has hash 0x{Convert.ToHexStringLower(hash)}, but the trusted checkpoint at that height is {_checkpoint.HashHex}.");
        }

        return _consensus == ChainConsensus.Qbft
            ? await SealedAsync(header, hash, cancellationToken).ConfigureAwait(false)
            : await LinkedAsync(header, hash, cancellationToken).ConfigureAwait(false);
    }

    private async Task<VerifiedHeader> SealedAsync(BlockHeader header, byte[] hash, CancellationToken cancellationToken)
    {
        var validators = _validators ??= await CheckpointValidatorsAsync(cancellationToken).ConfigureAwait(false);
        var listed = QbftExtraData.Decode(header.ExtraData).Validators;
        if (!listed.Order(StringComparer.Ordinal).SequenceEqual(validators.Order(StringComparer.Ordinal)))
        {
            throw new ChainVerificationException(
                $"block {header.Number} lists {listed.Count} validators that are not the {validators.Count} of the trusted checkpoint {_checkpoint.Number}; "
                + "this light client does not follow validator changes: move the checkpoint past the change.");
        }

        var committers = QbftSeals.VerifyCommitSeals(header, validators);
        return new VerifiedHeader(header, hash,
            $"QBFT: {committers.Count} of the {validators.Count} validators of checkpoint {_checkpoint.Number} sealed block {header.Number} (quorum {QbftSeals.Quorum(validators.Count)})");
    }

    private async Task<IReadOnlyList<string>> CheckpointValidatorsAsync(CancellationToken cancellationToken)
    {
        var checkpoint = await _rpc.GetBlockHeaderAsync(_checkpoint.Number, cancellationToken).ConfigureAwait(false);
        var hash = HeaderChain.VerifiedHash(checkpoint, ChainConsensus.Qbft);
        if (!hash.AsSpan().SequenceEqual(_checkpoint.Hash))
        {
            throw new ChainVerificationException(
                $"block {_checkpoint.Number} on this chain has hash 0x{Convert.ToHexStringLower(hash)}, not the trusted checkpoint's {_checkpoint.HashHex}.");
        }

        var validators = QbftExtraData.Decode(checkpoint.ExtraData).Validators;
        if (validators.Count == 0)
        {
            throw new ChainVerificationException(
                $"the trusted checkpoint {_checkpoint.Number} lists no validators (a validator contract?); this light client needs them in the header.");
        }

        Log.TrustingValidators(_logger, validators.Count, _checkpoint.Number, _checkpoint.HashHex);
        return validators;
    }

    private void AnnounceNoSeals()
    {
        if (Interlocked.Exchange(ref _announced, 1) == 0)
        {
            Log.TrustingCheckpointWithoutSeals(_logger, _checkpoint.Number, _checkpoint.HashHex);
        }
    }

    private async Task<VerifiedHeader> LinkedAsync(BlockHeader header, byte[] hash, CancellationToken cancellationToken)
    {
        AnnounceNoSeals();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_recentLinked.TryGetValue(header.Number, out var known))
            {
                return known.ClaimedHash.AsSpan().SequenceEqual(hash)
                    ? Linked(header, hash)
                    : throw new ChainVerificationException(
                        $"block {header.Number} has hash 0x{Convert.ToHexStringLower(hash)}, but the chain proven from the checkpoint has 0x{Convert.ToHexStringLower(known.ClaimedHash)} at that height.");
            }

            // Walk down to the newest header already proven (or the checkpoint), parent by parent, the parents asked
            // for a batch at a time.
            var anchor = _newestLinked.Number <= header.Number ? _newestLinked : (_checkpoint.Number, _checkpoint.Hash);
            var (current, currentHash) = (header, hash);
            var walked = new List<BlockHeader> { header };
            while (current.Number > anchor.Number)
            {
                var from = Math.Max(anchor.Number, current.Number - ChainRpcClient.MaxBatch);
                var parents = await _rpc.GetBlockHeadersAsync(from, current.Number - 1, cancellationToken).ConfigureAwait(false);
                for (var i = parents.Count - 1; i >= 0; i--)
                {
                    var parent = parents[i];
                    var parentHash = HeaderChain.VerifiedHash(parent, ChainConsensus.Embedded);
                    HeaderChain.CheckLink(parent.Number, parentHash, current);
                    (current, currentHash) = (parent, parentHash);
                    walked.Add(parent);
                }
            }

            if (!currentHash.AsSpan().SequenceEqual(anchor.Hash))
            {
                throw new ChainVerificationException(
                    $"block {header.Number} does not descend from the trusted checkpoint {_checkpoint.Number} ({_checkpoint.HashHex}): "
                    + $"its ancestor at {anchor.Number} is 0x{Convert.ToHexStringLower(currentHash)}.");
            }

            if (header.Number > _newestLinked.Number)
            {
                _newestLinked = (header.Number, hash);
            }

            Remember(walked);
        }
        finally
        {
            _gate.Release();
        }

        return Linked(header, hash);
    }

    private VerifiedHeader Linked(BlockHeader header, byte[] hash) => new(header, hash,
        $"embedded chain without seals: block {header.Number} links by parent hashes to the trusted checkpoint {_checkpoint.Number} ({_checkpoint.HashHex}), which is trusted without seals");

    /// <summary>
    /// Keeps headers whose hashes and links checked (their claimed hash is the verified one), and forgets those more than
    /// <see cref="RecentLinked"/> blocks below the newest.
    /// </summary>
    private void Remember(IEnumerable<BlockHeader> proven)
    {
        foreach (var header in proven)
        {
            _recentLinked[header.Number] = header;
        }

        if (_recentLinked.Count > 2 * RecentLinked)
        {
            foreach (var old in _recentLinked.Keys.Where(n => n < _newestLinked.Number - RecentLinked).ToList())
            {
                _recentLinked.Remove(old);
            }
        }
    }

    /// <summary>How many of the newest proven headers are kept (a proof older than that is proven by a walk).</summary>
    public const int RecentLinked = 256;
}
