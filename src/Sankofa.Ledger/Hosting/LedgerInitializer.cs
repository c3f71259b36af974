using System.Numerics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using System.Text.Json;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Governance;
using Sankofa.Ledger.Embedded;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Hosting;

/// <summary>
/// Brings the chain up before the web server listens: starts anvil or connects to the configured node, checks the
/// chain id, opens (or creates) the signing key, then deploys or verifies the contracts. Any problem stops start-up
/// with a <see cref="LedgerConfigurationException"/> naming the setting to fix. Stopping stops anvil (state kept).
/// </summary>
internal sealed partial class LedgerInitializer : IHostedService, IAsyncDisposable, IDisposable
{
    // Enough for any number of transactions at any gas price anvil will quote.
    private static readonly BigInteger EmbeddedBalance = BigInteger.Pow(10, 30);

    private readonly LedgerOptions _options;
    private readonly LedgerPaths _paths;
    private readonly LedgerRuntime _runtime;
    private readonly LedgerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly IAuditLog? _audit;
    private readonly Core.Replicas.IReplicaLocks? _replicas;
    private EmbeddedChain? _chain;
    private JsonRpcClient? _rpc;
    private LedgerGateway? _gateway;
    private SigningKey? _key;

    // audit: records key creation and contract deployment (control-plane mutations) when the host has an audit log.
    // replicas: the store's locks, so that replicas sharing the key never sign the same nonce (none: this process alone).
    public LedgerInitializer(
        IOptions<LedgerOptions> options, LedgerPaths paths, LedgerRuntime runtime, LedgerMetrics metrics, TimeProvider time, ILoggerFactory loggerFactory,
        IAuditLog? audit = null, Core.Replicas.IReplicaLocks? replicas = null)
    {
        _audit = audit;
        _replicas = replicas;
        _options = options.Value;
        _paths = paths;
        _runtime = runtime;
        _metrics = metrics;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<LedgerInitializer>();
    }

    /// <summary>The embedded chain, when running one (tests use it to restart or inspect anvil).</summary>
    internal EmbeddedChain? EmbeddedChain => _chain;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await InitialiseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Never leave an anvil behind when start-up fails.
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _runtime.Stopped();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync().ConfigureAwait(false);
            _gateway = null;
        }

        _rpc?.Dispose();
        _rpc = null;
        _key?.Dispose();
        _key = null;
        if (_chain is not null)
        {
            await _chain.DisposeAsync().ConfigureAwait(false);
            _chain = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    // A container disposed synchronously must still stop anvil rather than throw.
    public void Dispose() => StopAsync(CancellationToken.None).GetAwaiter().GetResult();

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_paths.LedgerDirectory);
        var embedded = _options.RpcUrl is null;
        Uri rpcUrl;
        if (embedded)
        {
            _chain = new EmbeddedChain(_options, _paths, _time, _loggerFactory.CreateLogger<EmbeddedChain>());
            await _chain.StartAsync(cancellationToken).ConfigureAwait(false);
            rpcUrl = _chain.Endpoint;
        }
        else
        {
            rpcUrl = _options.RpcUrl!;
        }

        _rpc = new JsonRpcClient(rpcUrl, _options.RpcTimeout);

        var chainId = await ReadChainIdAsync(rpcUrl, cancellationToken).ConfigureAwait(false);
        if (chainId != _options.ChainId)
        {
            throw new LedgerConfigurationException(
                "Ledger:ChainId",
                $"The node at {rpcUrl} reports chain id {chainId}, but Ledger:ChainId is {_options.ChainId}. Point Ledger:RpcUrl at the right chain or fix Ledger:ChainId.",
                null);
        }

        var password = _options.KeyPassword;
        if (string.IsNullOrEmpty(password))
        {
            password = embedded
                ? await SignerKeyStore.LoadOrCreatePasswordAsync(_paths.KeyPasswordFile, cancellationToken).ConfigureAwait(false)
                : throw new LedgerConfigurationException("Ledger:KeyPassword", "A keystore password is required when Ledger:RpcUrl is set.", null);
        }

        var (key, created) = await SignerKeyStore.LoadOrCreateAsync(_paths.KeyStore, password, cancellationToken).ConfigureAwait(false);
        _key = key;
        Log.SigningKey(_logger, key.Address, created, _paths.KeyStore);
        if (created)
        {
            await RecordAsync("ledger.key.created", key.Address, new { address = key.Address, chainId }, cancellationToken).ConfigureAwait(false);
        }

        if (embedded)
        {
            await _rpc.CallAsync("anvil_setBalance", cancellationToken, key.Address, Hex.Quantity(EmbeddedBalance)).ConfigureAwait(false);
        }

        _gateway = new LedgerGateway(_rpc, new TransactionSigner(key, chainId), _options, _metrics, _time, _loggerFactory.CreateLogger<LedgerGateway>(), _replicas, _runtime.Head.Moved);
        var (auditAnchor, generation) = await ResolveAuditAnchorAsync(chainId, embedded, cancellationToken).ConfigureAwait(false);

        if (!await AuditAnchorCalls.IsAnchorerAsync(_rpc, auditAnchor, key.Address, cancellationToken).ConfigureAwait(false))
        {
            throw new LedgerConfigurationException(
                "Ledger:AuditAnchorAddress",
                $"The signing key {key.Address} does not hold ANCHORER_ROLE on the AuditAnchor contract at {auditAnchor}; grant it or use a contract this key deployed.",
                null);
        }

        var resourceRegistry = await ResolveResourceRegistryAsync(chainId, embedded, cancellationToken).ConfigureAwait(false);
        var identityRegistry = await ResolveIdentityRegistryAsync(chainId, embedded, auditAnchor, resourceRegistry, cancellationToken).ConfigureAwait(false);
        if (!await IdentityRegistryCalls.IsRegistrarAsync(_rpc, identityRegistry, key.Address, cancellationToken).ConfigureAwait(false))
        {
            // Checked now rather than at the first write: revoking access must not be the moment this is found out.
            throw new LedgerConfigurationException(
                "Ledger:IdentityRegistryAddress",
                $"The signing key {key.Address} does not hold REGISTRAR_ROLE on the IdentityRegistry contract at {identityRegistry}; have a control plane "
                + "holding the contract's admin key grant it (IIdentityLedger.GrantRegistrarAsync), or use a contract this key deployed.",
                null);
        }

        var billing = await ResolveBillingAsync(chainId, embedded, auditAnchor, resourceRegistry, identityRegistry, cancellationToken).ConfigureAwait(false);
        var custody = await ResolveCustodyAsync(chainId, embedded, auditAnchor, resourceRegistry, identityRegistry, cancellationToken).ConfigureAwait(false);
        var board = await ResolveBoardAsync(chainId, auditAnchor, resourceRegistry, identityRegistry, billing, cancellationToken, custody).ConfigureAwait(false);
        // Logs are read from the first deployment on (0 when the contracts are pinned by settings): nothing of ours is older.
        var deployedIn = await DeploymentRecord.LoadAsync(_paths.Deployment, cancellationToken).ConfigureAwait(false) is { } deployed && deployed.ChainId == chainId
            ? deployed.BlockNumber
            : 0;
        _runtime.Started(new LedgerConnection(_rpc, _gateway, rpcUrl, chainId, auditAnchor, resourceRegistry, identityRegistry, key.Address, embedded, board, billing, deployedIn, custody), generation);
        if (board is null && !embedded)
        {
            // Allowed (a first deployment, a test network), but an operator should know what a stolen key could do.
            Log.NoBoard(_logger, key.Address);
        }

        Log.Ready(_logger, rpcUrl, chainId, auditAnchor, embedded, generation);
    }

    private async Task<long> ReadChainIdAsync(Uri rpcUrl, CancellationToken cancellationToken)
    {
        try
        {
            return Hex.ToLong(await _rpc!.CallAsync("eth_chainId", cancellationToken).ConfigureAwait(false));
        }
        catch (LedgerUnavailableException ex)
        {
            throw new LedgerConfigurationException("Ledger:RpcUrl", $"The chain node at {rpcUrl} cannot be reached: {ex.Message}", ex);
        }
        catch (JsonRpcException ex)
        {
            throw new LedgerConfigurationException("Ledger:RpcUrl", $"The endpoint {rpcUrl} is not an Ethereum JSON-RPC node: {ex.Message}", ex);
        }
    }

    private async Task<(string Address, long Generation)> ResolveAuditAnchorAsync(long chainId, bool embedded, CancellationToken cancellationToken)
    {
        var record = await DeploymentRecord.LoadAsync(_paths.Deployment, cancellationToken).ConfigureAwait(false);
        var generation = record?.Generation ?? 0;

        if (!string.IsNullOrWhiteSpace(_options.AuditAnchorAddress))
        {
            if (!await AuditAnchorCalls.HasCodeAsync(_rpc!, _options.AuditAnchorAddress, cancellationToken).ConfigureAwait(false))
            {
                throw new LedgerConfigurationException(
                    "Ledger:AuditAnchorAddress",
                    $"No contract code at {_options.AuditAnchorAddress} on chain {chainId}. Fix the address, or remove the setting to let Sankofa deploy one.",
                    null);
            }

            return (_options.AuditAnchorAddress, generation);
        }

        if (record is not null && record.ChainId == chainId)
        {
            if (await AuditAnchorCalls.HasCodeAsync(_rpc!, record.AuditAnchor, cancellationToken).ConfigureAwait(false))
            {
                return (record.AuditAnchor, generation);
            }

            if (!embedded)
            {
                throw new LedgerConfigurationException(
                    "Ledger:RpcUrl",
                    $"The AuditAnchor contract recorded in {_paths.Deployment} ({record.AuditAnchor}) has no code on the chain at {_options.RpcUrl}. "
                    + "Point Ledger:RpcUrl at the chain it was deployed on, set Ledger:AuditAnchorAddress, or delete the file to deploy anew.",
                    null);
            }

            // The embedded chain lost its state: deploy again and tell the anchorer to re-check every batch.
            Log.StateLost(_logger, record.AuditAnchor);
            generation++;
        }
        else if (record is not null)
        {
            // A different chain than last time: it holds none of the anchors.
            generation++;
        }

        var deployed = await DeployAsync("AuditAnchor", ContractArtifact.AuditAnchor, chainId, generation, cancellationToken).ConfigureAwait(false);
        await new DeploymentRecord(chainId, deployed.Address, _key!.Address, deployed.BlockNumber, generation).SaveAsync(_paths.Deployment, cancellationToken).ConfigureAwait(false);
        return (deployed.Address, generation);
    }

    /// <summary>
    /// Deploys <paramref name="artifact"/> as an implementation and a <see cref="ContractArtifact.SankofaProxy"/> in front
    /// of it, initialised with this key as admin; the proxy's address is the contract's from then on (upgrades keep it).
    /// </summary>
    private async Task<(string Address, long BlockNumber)> DeployAsync(
        string name, ContractArtifact artifact, long chainId, long generation, CancellationToken cancellationToken, byte[]? initialize = null)
    {
        var implementation = await SendDeploymentAsync($"{name}Implementation", artifact.Bytecode, chainId, generation, cancellationToken).ConfigureAwait(false);
        var creation = initialize is null
            ? ContractArtifact.ProxyCreationCode(implementation.ContractAddress!, _key!.Address)
            : ContractArtifact.ProxyCreationCode(implementation.ContractAddress!, initialize);
        var proxy = await SendDeploymentAsync(name, creation, chainId, generation, cancellationToken).ConfigureAwait(false);
        Log.Deployed(_logger, name, proxy.ContractAddress!, proxy.BlockNumber);
        await RecordAsync("ledger.contract.deployed", proxy.ContractAddress!, new
        {
            contract = name,
            implementation = implementation.ContractAddress,
            chainId,
            blockNumber = proxy.BlockNumber,
            transaction = proxy.TransactionHash,
            generation,
        }, cancellationToken).ConfigureAwait(false);
        return (proxy.ContractAddress!, proxy.BlockNumber);
    }

    private async Task<TransactionReceipt> SendDeploymentAsync(string name, byte[] code, long chainId, long generation, CancellationToken cancellationToken)
    {
        var estimate = Hex.ToLong(await _rpc!.CallAsync("eth_estimateGas", cancellationToken, new { from = _key!.Address, data = Hex.Bytes(code) }).ConfigureAwait(false));
        var receipt = await _gateway!.SendAsync(new Gateway.TransactionRequest($"deploy:{name}:{chainId}:{generation}", null, code, estimate + (estimate / 5)), cancellationToken).ConfigureAwait(false);
        return receipt is { Succeeded: true, ContractAddress: not null }
            ? receipt
            : throw new LedgerConfigurationException("Ledger:RpcUrl", $"Deploying {name} failed in transaction {receipt.TransactionHash}.", null);
    }

    /// <summary>
    /// ResourceRegistry: <c>Ledger:ResourceRegistryAddress</c>, else the one recorded for this chain when its code is
    /// still there, else deployed now and recorded. Runs after the AuditAnchor resolution, which already bumped the
    /// generation if the chain lost its state (both contracts are lost together). The contract must have every function
    /// the ledger uses (multicall, site keys with proofs): an older one is replaced on the embedded chain and refused on a
    /// configured node.
    /// </summary>
    private async Task<string> ResolveResourceRegistryAsync(long chainId, bool embedded, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(_options.ResourceRegistryAddress))
        {
            if (!await AuditAnchorCalls.HasCodeAsync(_rpc!, _options.ResourceRegistryAddress, cancellationToken).ConfigureAwait(false))
            {
                throw new LedgerConfigurationException(
                    "Ledger:ResourceRegistryAddress",
                    $"No contract code at {_options.ResourceRegistryAddress} on chain {chainId}. Fix the address, or remove the setting to let Sankofa deploy one.",
                    null);
            }

            if (await ResourceRegistryCalls.MissingFunctionAsync(_rpc!, _options.ResourceRegistryAddress, _key!.Address, cancellationToken).ConfigureAwait(false) is { } missing)
            {
                throw new LedgerConfigurationException(
                    "Ledger:ResourceRegistryAddress",
                    $"The ResourceRegistry contract at {_options.ResourceRegistryAddress} predates {missing}, which this version of the ledger needs. "
                    + "Point the setting at a current deployment, or remove it to let Sankofa deploy one.",
                    null);
            }

            return _options.ResourceRegistryAddress;
        }

        var record = (await DeploymentRecord.LoadAsync(_paths.Deployment, cancellationToken).ConfigureAwait(false))!;
        if (record.ResourceRegistry is { } recorded)
        {
            if (await AuditAnchorCalls.HasCodeAsync(_rpc!, recorded, cancellationToken).ConfigureAwait(false))
            {
                var missing = await ResourceRegistryCalls.MissingFunctionAsync(_rpc!, recorded, _key!.Address, cancellationToken).ConfigureAwait(false);
                if (missing is null)
                {
                    return recorded;
                }

                if (!embedded)
                {
                    // Redeploying on a shared chain would silently leave every recorded resource behind: the operator decides.
                    throw new LedgerConfigurationException(
                        "Ledger:ResourceRegistryAddress",
                        $"The ResourceRegistry contract recorded in {_paths.Deployment} ({recorded}) predates {missing}, which this version of the "
                        + "ledger needs. Set Ledger:ResourceRegistryAddress to a current deployment, or remove "
                        + "\"resourceRegistry\" from the file to deploy one (resources recorded on the old contract stay there).",
                        null);
                }

                // The embedded chain is Sankofa's own: replace the outdated contract, as when its code is lost.
                Log.RegistryOutdated(_logger, recorded, missing);
            }
            else if (!embedded)
            {
                throw new LedgerConfigurationException(
                    "Ledger:RpcUrl",
                    $"The ResourceRegistry contract recorded in {_paths.Deployment} ({recorded}) has no code on the chain at {_options.RpcUrl}. "
                    + "Point Ledger:RpcUrl at the chain it was deployed on, set Ledger:ResourceRegistryAddress, or delete the file to deploy anew.",
                    null);
            }
        }

        var deployed = await DeployAsync("ResourceRegistry", ContractArtifact.ResourceRegistry, chainId, record.Generation, cancellationToken).ConfigureAwait(false);
        await (record with { ResourceRegistry = deployed.Address }).SaveAsync(_paths.Deployment, cancellationToken).ConfigureAwait(false);
        return deployed.Address;
    }

    /// <summary>
    /// IdentityRegistry: <c>Ledger:IdentityRegistryAddress</c>, else the one recorded for this chain when its code is still
    /// there, else deployed now and recorded (a record written before this contract existed simply gains it). Like
    /// ResourceRegistry, a recorded contract without code is redeployed on the embedded chain and refused on a configured node.
    /// </summary>
    private async Task<string> ResolveIdentityRegistryAsync(
        long chainId, bool embedded, string auditAnchor, string resourceRegistry, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(_options.IdentityRegistryAddress))
        {
            if (!await AuditAnchorCalls.HasCodeAsync(_rpc!, _options.IdentityRegistryAddress, cancellationToken).ConfigureAwait(false))
            {
                throw new LedgerConfigurationException(
                    "Ledger:IdentityRegistryAddress",
                    $"No contract code at {_options.IdentityRegistryAddress} on chain {chainId}. Fix the address, or remove the setting to let Sankofa deploy one.",
                    null);
            }

            return _options.IdentityRegistryAddress;
        }

        // No record when the other contracts are pinned by settings and this one is not.
        var record = await DeploymentRecord.LoadAsync(_paths.Deployment, cancellationToken).ConfigureAwait(false);
        if (record is { IdentityRegistry: { } recorded } && record.ChainId == chainId)
        {
            if (await AuditAnchorCalls.HasCodeAsync(_rpc!, recorded, cancellationToken).ConfigureAwait(false))
            {
                return recorded;
            }

            if (!embedded)
            {
                // Redeploying on a shared chain would silently drop every identity and revocation: the operator decides.
                throw new LedgerConfigurationException(
                    "Ledger:RpcUrl",
                    $"The IdentityRegistry contract recorded in {_paths.Deployment} ({recorded}) has no code on the chain at {_options.RpcUrl}. "
                    + "Point Ledger:RpcUrl at the chain it was deployed on, set Ledger:IdentityRegistryAddress, or remove \"identityRegistry\" from the file to deploy anew.",
                    null);
            }
        }

        var generation = record?.Generation ?? 0;
        var deployed = await DeployAsync("IdentityRegistry", ContractArtifact.IdentityRegistry, chainId, generation, cancellationToken).ConfigureAwait(false);
        var updated = record is not null && record.ChainId == chainId
            ? record with { IdentityRegistry = deployed.Address }
            : new DeploymentRecord(chainId, auditAnchor, _key!.Address, deployed.BlockNumber, generation, resourceRegistry, deployed.Address);
        await updated.SaveAsync(_paths.Deployment, cancellationToken).ConfigureAwait(false);
        return deployed.Address;
    }

    /// <summary>
    /// SankofaBilling: <c>Ledger:BillingAddress</c>, else the one recorded for this chain when its code is still there,
    /// else deployed now, bound to <paramref name="identityRegistry"/> with <c>Ledger:BillingDisputeWindow</c>, and
    /// recorded. A recorded contract without code is redeployed on the embedded chain and refused on a configured node.
    /// </summary>
    private async Task<string> ResolveBillingAsync(
        long chainId, bool embedded, string auditAnchor, string resourceRegistry, string identityRegistry, CancellationToken cancellationToken)
    {
        if (_options.BillingDisputeWindow < TimeSpan.Zero || _options.BillingDisputeWindow > TimeSpan.FromDays(3650))
        {
            throw new LedgerConfigurationException("Ledger:BillingDisputeWindow", $"Must be from 0 to 3650 days, not {_options.BillingDisputeWindow}.", null);
        }

        if (!string.IsNullOrWhiteSpace(_options.BillingAddress))
        {
            if (!await AuditAnchorCalls.HasCodeAsync(_rpc!, _options.BillingAddress, cancellationToken).ConfigureAwait(false))
            {
                throw new LedgerConfigurationException("Ledger:BillingAddress",
                    $"No contract code at {_options.BillingAddress} on chain {chainId}. Fix the address, or remove the setting to let Sankofa deploy one.", null);
            }

            return await BoundToAsync(_options.BillingAddress, identityRegistry, cancellationToken).ConfigureAwait(false) is { } other
                ? throw NotBound(_options.BillingAddress, other, identityRegistry)
                : _options.BillingAddress;
        }

        // No record when the other contracts are pinned by settings and this one is not.
        var record = await DeploymentRecord.LoadAsync(_paths.Deployment, cancellationToken).ConfigureAwait(false);
        if (record is { Billing: { } recorded } && record.ChainId == chainId)
        {
            if (await AuditAnchorCalls.HasCodeAsync(_rpc!, recorded, cancellationToken).ConfigureAwait(false))
            {
                var other = await BoundToAsync(recorded, identityRegistry, cancellationToken).ConfigureAwait(false);
                if (other is null)
                {
                    return recorded;
                }

                // Bound to an IdentityRegistry no longer in use: Sankofa's own chain gets a new one, a shared chain's operator decides.
                if (!embedded)
                {
                    throw NotBound(recorded, other, identityRegistry);
                }

                Log.BillingRebound(_logger, recorded, other);
            }
            else if (!embedded)
            {
                // Redeploying on a shared chain would drop every invoice and balance: the operator decides.
                throw new LedgerConfigurationException("Ledger:RpcUrl",
                    $"The SankofaBilling contract recorded in {_paths.Deployment} ({recorded}) has no code on the chain at {_options.RpcUrl}. "
                    + "Point Ledger:RpcUrl at the chain it was deployed on, set Ledger:BillingAddress, or remove \"billing\" from the file to deploy anew.", null);
            }
        }

        var initialize = Billing.BillingFunctions.Initialize(_key!.Address, identityRegistry, (ulong)_options.BillingDisputeWindow.TotalSeconds);
        var generation = record?.Generation ?? 0;
        var deployed = await DeployAsync("SankofaBilling", ContractArtifact.SankofaBilling, chainId, generation, cancellationToken, initialize).ConfigureAwait(false);
        var updated = record is not null && record.ChainId == chainId
            ? record with { Billing = deployed.Address }
            : new DeploymentRecord(chainId, auditAnchor, _key.Address, deployed.BlockNumber, generation, resourceRegistry, identityRegistry, Billing: deployed.Address);
        await updated.SaveAsync(_paths.Deployment, cancellationToken).ConfigureAwait(false);
        return deployed.Address;
    }

    // SankofaBilling reads parties' roles from the IdentityRegistry it was bound to: it must be the one in use, or every
    // customer and auditor would be refused. Null when it is; else the one it reads.
    private async Task<string?> BoundToAsync(string billing, string identityRegistry, CancellationToken cancellationToken)
    {
        var answer = await _rpc!.CallAsync("eth_call", cancellationToken, new { to = billing, data = Hex.Bytes(Abi.Selector("identities()")) }, "latest").ConfigureAwait(false);
        var bound = "0x" + Convert.ToHexStringLower(Hex.ToBytes(answer.GetString()!)[^20..]);
        return string.Equals(bound, identityRegistry, StringComparison.OrdinalIgnoreCase) ? null : bound;
    }

    private static LedgerConfigurationException NotBound(string billing, string bound, string identityRegistry) => new("Ledger:BillingAddress",
        $"The SankofaBilling contract at {billing} reads identities from {bound}, not from the IdentityRegistry in use ({identityRegistry}). "
        + "Point Ledger:BillingAddress (or \"billing\" in deployment.json) at one bound to it, or remove it to deploy one.", null);

    /// <summary>
    /// With <c>Ledger:Board</c> members configured: the board recorded for this chain when its code is still there, else
    /// one deployed now with the configured members and thresholds (they seed it; later changes are the board's own
    /// proposals) and recorded; then every contract this key still administers is handed to it. Null without members.
    /// </summary>
    private async Task<BoardAddresses?> ResolveBoardAsync(
        long chainId, string auditAnchor, string resourceRegistry, string identityRegistry, string billing, CancellationToken cancellationToken, string? custody = null)
    {
        var options = _options.Board;
        if (!options.Enabled)
        {
            return null;
        }

        var record = await DeploymentRecord.LoadAsync(_paths.Deployment, cancellationToken).ConfigureAwait(false);
        BoardAddresses board;
        if (record is { Board: { } b, Timelock: { } t } && record.ChainId == chainId && await AuditAnchorCalls.HasCodeAsync(_rpc!, b, cancellationToken).ConfigureAwait(false))
        {
            board = new BoardAddresses(t, b);
        }
        else
        {
            CheckBoardOptions(options);
            board = await BoardDeployment.DeployAsync(_rpc!, _gateway!, _key!.Address, [.. options.Members], (uint)options.EffectiveThreshold, (uint)options.EmergencyThreshold,
                options.Delay, cancellationToken).ConfigureAwait(false);
            Log.Deployed(_logger, "SankofaBoard", board.Board, 0);
            await RecordAsync("ledger.board.deployed", board.Board, new
            {
                board = board.Board, timelock = board.Timelock, members = options.Members, threshold = options.EffectiveThreshold,
                emergencyThreshold = options.EmergencyThreshold, delaySeconds = (long)options.Delay.TotalSeconds, chainId,
            }, cancellationToken).ConfigureAwait(false);
            if (_options.RpcUrl is null)
            {
                // The embedded chain's members need gas for their own transactions; a real network funds its accounts itself.
                foreach (var member in options.Members)
                {
                    await _rpc!.CallAsync("anvil_setBalance", cancellationToken, member, Hex.Quantity(EmbeddedBalance)).ConfigureAwait(false);
                }
            }

            var current = record is not null && record.ChainId == chainId
                ? record
                : new DeploymentRecord(chainId, auditAnchor, _key.Address, 0, 0, resourceRegistry, identityRegistry);
            await (current with { Board = board.Board, Timelock = board.Timelock }).SaveAsync(_paths.Deployment, cancellationToken).ConfigureAwait(false);
        }

        var handed = await BoardHandover.HandOverAsync(_rpc!, _gateway!, _key!.Address, board,
            [new("AuditAnchor", auditAnchor, Pausable: true), new("ResourceRegistry", resourceRegistry, Pausable: true, "SITE_REGISTRAR_ROLE"), new("IdentityRegistry", identityRegistry, Pausable: false),
             new("SankofaBilling", billing, Pausable: false), .. (custody is null ? Array.Empty<GovernedContract>() : new GovernedContract[] { new("SankofaCustody", custody, Pausable: false) })],
            cancellationToken).ConfigureAwait(false);
        if (handed.Count > 0)
        {
            Log.HandedOver(_logger, string.Join(", ", handed), board.Board, board.Timelock);
            await RecordAsync("ledger.board.handover", board.Board, new { contracts = handed, board = board.Board, timelock = board.Timelock, key = _key.Address }, cancellationToken)
                .ConfigureAwait(false);
        }

        return board;
    }

    private static void CheckBoardOptions(BoardOptions options)
    {
        if (options.Members.FirstOrDefault(m => !Core.Agents.AgentAddress.IsValid(m)) is { } bad)
        {
            throw new LedgerConfigurationException("Ledger:Board:Members", $"'{bad}' is not an address (0x and 40 hex digits).", null);
        }

        if (options.Members.Distinct(StringComparer.OrdinalIgnoreCase).Count() != options.Members.Count)
        {
            throw new LedgerConfigurationException("Ledger:Board:Members", "A member is listed twice.", null);
        }

        if (options.EffectiveThreshold > options.Members.Count)
        {
            throw new LedgerConfigurationException("Ledger:Board:Threshold", $"{options.EffectiveThreshold} approvals cannot come from {options.Members.Count} members.", null);
        }

        if (options.EmergencyThreshold < 1 || options.EmergencyThreshold > options.EffectiveThreshold)
        {
            throw new LedgerConfigurationException("Ledger:Board:EmergencyThreshold",
                $"Must be between 1 and the threshold ({options.EffectiveThreshold}); was {options.EmergencyThreshold}.", null);
        }

        if (options.Delay < TimeSpan.Zero)
        {
            throw new LedgerConfigurationException("Ledger:Board:Delay", "Must not be negative.", null);
        }
    }

    private Task RecordAsync(string action, string subject, object details, CancellationToken cancellationToken) =>
        _audit is null
            ? Task.CompletedTask
            : _audit.AppendAsync(new AuditEvent("sankofa:ledger", action, subject, JsonSerializer.Serialize(details)), cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Information, "Ledger signing address {Address} (new key: {Created}, keystore {KeyStorePath})")]
        public static partial void SigningKey(ILogger logger, string address, bool created, string keyStorePath);

        [LoggerMessage(41, LogLevel.Information, "Deployed {Contract} at {Address} in block {BlockNumber}")]
        public static partial void Deployed(ILogger logger, string contract, string address, long blockNumber);

        [LoggerMessage(42, LogLevel.Warning, "The embedded chain has no code at the recorded AuditAnchor address {Address} (state lost); deploying again")]
        public static partial void StateLost(ILogger logger, string address);

        [LoggerMessage(43, LogLevel.Information, "Ledger ready: {RpcUrl} chain {ChainId}, AuditAnchor {AuditAnchor}, embedded {Embedded}, generation {Generation}")]
        public static partial void Ready(ILogger logger, Uri rpcUrl, long chainId, string auditAnchor, bool embedded, long generation);

        [LoggerMessage(45, LogLevel.Information, "Handed {Contracts} to the board {Board}: its timelock {Timelock} holds their admin role now; this key keeps only its operational roles")]
        public static partial void HandedOver(ILogger logger, string contracts, string board, string timelock);

        [LoggerMessage(46, LogLevel.Warning, "No governance board (Ledger:Board): this control plane's key {Address} administers the contracts on a shared chain, "
            + "so whoever holds it can grant roles, register site keys and upgrade them; configure a board (docs/governance.md)")]
        public static partial void NoBoard(ILogger logger, string address);

        [LoggerMessage(47, LogLevel.Warning, "The SankofaBilling contract at {Address} reads identities from {Bound}, an IdentityRegistry no longer in use; deploying a new one on the embedded chain")]
        public static partial void BillingRebound(ILogger logger, string address, string bound);

        [LoggerMessage(44, LogLevel.Warning, "The ResourceRegistry contract at {Address} predates {Missing}; deploying the current contract (resources recorded on the old one stay there)")]
        public static partial void RegistryOutdated(ILogger logger, string address, string missing);
    }
}
