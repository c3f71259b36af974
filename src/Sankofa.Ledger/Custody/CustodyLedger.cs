using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nethereum.Contracts;
using Sankofa.Core.Hardware;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Custody;

/// <summary>
/// <see cref="ICustodyLedger"/> on SankofaCustody: digests are computed off chain from the asset's state on chain (its
/// event count and custodian), and each relayed event is estimated first with <c>eth_estimateGas</c>, which runs it (a
/// refusal names the contract's reason and sends nothing), then sent through the gateway. Registrations, which come in
/// bulk, go through a <see cref="RegistrationBatcher"/>: concurrent ones share a transaction.
/// </summary>
internal sealed partial class CustodyLedger : ICustodyLedger, IAsyncDisposable
{
    // Distinct controller keys kept at most: far more than the parties signing at one time.
    private const int SignerCacheCapacity = 10_000;
    private static readonly byte[] Zero = new byte[32];
    private readonly LedgerRuntime _runtime;
    private readonly ILogger _logger;
    private readonly RegistrationBatcher _registrations;
    private readonly SignerCache _signers;
    private long _sequence;

    public CustodyLedger(LedgerRuntime runtime, IOptions<LedgerOptions> options, TimeProvider time, ILogger<CustodyLedger> logger)
    {
        _runtime = runtime;
        _logger = logger;
        _registrations = new RegistrationBatcher(SendAsync, BlockGasLimitAsync, options.Value, logger);
        _signers = new SignerCache(options.Value.SignerCacheDuration, SignerCacheCapacity, time);
    }

    public async Task<byte[]> DigestAsync(CustodyAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var connection = _runtime.Connection;
        var contract = CustodyAddress(connection);
        var id = LedgerIds.Of(action.AssetId);
        if (action.Kind == CustodyEventKind.Registration)
        {
            // The only digest without the asset's sequence or custodian: no chain read, which on an embedded chain with a
            // large state costs milliseconds per call (docs/chain.md).
            return CustodyTypedData.Registration(contract, connection.ChainId, id, Required(action.AssetHash, "assetHash"), action.DocumentHash);
        }

        var asset = await CustodyCalls.AssetOfAsync(connection.Rpc, contract, action.AssetId, cancellationToken).ConfigureAwait(false);
        var (sequence, custodian) = (asset?.Events ?? 0, asset?.Custodian ?? Zero);
        return action.Kind switch
        {
            CustodyEventKind.Transfer => CustodyTypedData.Transfer(contract, connection.ChainId, id, sequence, custodian, LedgerIds.Of(action.To!), action.DocumentHash),
            CustodyEventKind.Inspection => CustodyTypedData.Inspection(contract, connection.ChainId, id, sequence, action.Passed ?? false, action.DocumentHash),
            CustodyEventKind.Installation => CustodyTypedData.Installation(contract, connection.ChainId, id, sequence, LedgerIds.Of(action.SiteId!), LedgerIds.Of(action.HostId!),
                action.DocumentHash),
            CustodyEventKind.Decommission => CustodyTypedData.Decommission(contract, connection.ChainId, id, sequence, action.DocumentHash),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action.Kind, null),
        };
    }

    public async Task<bool> SignedByAsync(byte[] digest, byte[] signature, string identityId, CancellationToken cancellationToken)
    {
        if (CustodyTypedData.Signer(digest, signature) is not { } signer)
        {
            return false;
        }

        var connection = _runtime.Connection;
        var key = connection.IdentityRegistryAddress + signer;
        var identity = _signers.Get(key);
        if (identity is null)
        {
            identity = await IdentityRegistryCalls.IdentityOfAsync(connection.Rpc, connection.IdentityRegistryAddress, signer, cancellationToken).ConfigureAwait(false);
            if (identity is not null)
            {
                _signers.Remember(key, identity);
            }
        }

        return identity is not null && identity.AsSpan().SequenceEqual(LedgerIds.Of(identityId));
    }

    public async Task<(LedgerReceipt Receipt, long Sequence)> RecordAsync(CustodyAction action, IReadOnlyList<byte[]> signatures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(signatures);
        var id = LedgerIds.Of(action.AssetId);
        if (action.Kind == CustodyEventKind.Registration)
        {
            // A registration is always the asset's event 0 (a repeat of it is a no-op on chain), so nothing is read first.
            var registration = new RegisterAssetFunction
            {
                AssetId = id, AssetHash = Required(action.AssetHash, "assetHash"), DocumentHash = action.DocumentHash, Signature = signatures[0],
            };
            return (await _registrations.SubmitAsync(registration, action.AssetId, cancellationToken).ConfigureAwait(false), 0);
        }

        var connection = _runtime.Connection;
        var before = await CustodyCalls.AssetOfAsync(connection.Rpc, CustodyAddress(connection), action.AssetId, cancellationToken).ConfigureAwait(false);
        var name = HardwareNames.Name(action.Kind);
        var data = action.Kind switch
        {
            CustodyEventKind.Transfer => new TransferAssetFunction
            {
                AssetId = id, To = LedgerIds.Of(action.To!), DocumentHash = action.DocumentHash, SenderSignature = signatures[0],
                ReceiverSignature = signatures.Count > 1 ? signatures[1] : [],
            }.GetCallData(),
            CustodyEventKind.Inspection => new InspectAssetFunction { AssetId = id, Passed = action.Passed ?? false, DocumentHash = action.DocumentHash, Signature = signatures[0] }.GetCallData(),
            CustodyEventKind.Installation => new InstallAssetFunction
            {
                AssetId = id, Site = LedgerIds.Of(action.SiteId!), Host = LedgerIds.Of(action.HostId!), DocumentHash = action.DocumentHash, Signature = signatures[0],
            }.GetCallData(),
            CustodyEventKind.Decommission => new DecommissionAssetFunction { AssetId = id, CertificateHash = action.DocumentHash, Signature = signatures[0] }.GetCallData(),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action.Kind, null),
        };

        var receipt = await SendAsync($"{name} of asset {action.AssetId}", data, cancellationToken).ConfigureAwait(false);
        return (receipt, before?.Events ?? 0);
    }

    public Task<OnChainAsset?> GetAssetAsync(string assetId, CancellationToken cancellationToken)
    {
        var connection = _runtime.Connection;
        return CustodyCalls.AssetOfAsync(connection.Rpc, CustodyAddress(connection), assetId, cancellationToken);
    }

    public ValueTask DisposeAsync() => _registrations.DisposeAsync();

    private async Task<LedgerReceipt> SendAsync(string action, byte[] data, CancellationToken cancellationToken)
    {
        var connection = _runtime.Connection;
        var contract = CustodyAddress(connection);
        var receipt = await CheckedWrite.SendAsync(connection, contract, "SankofaCustody", $"custody:{Interlocked.Increment(ref _sequence)}:{action}", action, data,
            ex =>
            {
                var (name, text) = CustodyErrors.Describe(ex);
                return new CustodyRefusedException(name ?? "Reverted", $"SankofaCustody refuses the {action}: {text}");
            }, cancellationToken).ConfigureAwait(false);
        LogRecorded(_logger, action, receipt.TransactionHash, receipt.BlockNumber);
        return new LedgerReceipt(receipt.TransactionHash, receipt.BlockNumber);
    }

    private async Task<long> BlockGasLimitAsync(CancellationToken cancellationToken)
    {
        var block = await _runtime.Connection.Rpc.CallAsync("eth_getBlockByNumber", cancellationToken, "latest", false).ConfigureAwait(false);
        return Hex.ToLong(block.GetProperty("gasLimit"));
    }

    private static string CustodyAddress(LedgerConnection connection) =>
        connection.CustodyAddress ?? throw new LedgerUnavailableException("The ledger has no SankofaCustody contract.");

    private static byte[] Required(byte[]? value, string name) => value is { Length: 32 } ? value : throw new ArgumentException("Must be 32 bytes.", name);

    [LoggerMessage(1, LogLevel.Information, "SankofaCustody: {Action} in transaction {Transaction}, block {Block}")]
    private static partial void LogRecorded(ILogger logger, string action, string transaction, long block);
}
