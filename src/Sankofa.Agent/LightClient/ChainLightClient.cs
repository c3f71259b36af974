using Microsoft.Extensions.Options;

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
    private int _chainChecked;

    /// <summary>Creates the light client.</summary>
    public ChainLightClient(ChainRpcClient rpc, HeaderVerifier headers, IOptions<LightClientOptions> options)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(options);
        _rpc = rpc;
        _headers = headers;
        _chainId = options.Value.ChainId;
    }

    /// <summary>The value of storage slot <paramref name="slot"/> of contract <paramref name="contract"/> at the latest block, proven.</summary>
    /// <exception cref="ChainVerificationException">The header or a proof does not check, or the endpoint serves another chain.</exception>
    /// <exception cref="ChainRpcException">The endpoint could not be read.</exception>
    public async Task<ProvenStorage> ReadStorageAsync(string contract, byte[] slot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slot);
        if (Volatile.Read(ref _chainChecked) == 0)
        {
            var chainId = await _rpc.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
            if (chainId != _chainId)
            {
                throw new ChainVerificationException($"the endpoint serves chain {chainId}, not chain {_chainId} ({LightClientOptions.SectionName}:ChainId).");
            }

            Volatile.Write(ref _chainChecked, 1);
        }

        var header = await _headers.VerifyAsync(await _rpc.GetBlockHeaderAsync(null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var proof = await _rpc.GetProofAsync(contract, [slot], header.Header.Number, cancellationToken).ConfigureAwait(false);
        return new ProvenStorage(StateProofVerifier.VerifyStorage(header.Header.StateRoot, contract, slot, proof), header);
    }
}

/// <summary>A storage value proven against a verified header.</summary>
/// <param name="Value">The slot's 32 bytes, big-endian.</param>
/// <param name="Block">The header the value was proven at, with why it is trusted.</param>
public sealed record ProvenStorage(byte[] Value, VerifiedHeader Block);
