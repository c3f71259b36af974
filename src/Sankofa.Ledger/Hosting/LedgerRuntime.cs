using Sankofa.Core.Ledger;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Hosting;

/// <summary>The live chain connection, set by <see cref="LedgerInitializer"/> once start-up checks have passed.</summary>
internal sealed record LedgerConnection(
    JsonRpcClient Rpc,
    LedgerGateway Gateway,
    Uri RpcUrl,
    long ChainId,
    string AuditAnchorAddress,
    string ResourceRegistryAddress,
    string IdentityRegistryAddress,
    string SignerAddress,
    bool Embedded,
    Governance.BoardAddresses? Board = null,
    string? BillingAddress = null,
    long DeploymentBlock = 0,
    string? CustodyAddress = null);

/// <summary>
/// Holds the connection for the services that use the chain. They are singletons created before the hosted service
/// starts, so they look the connection up per call instead of taking it in their constructors.
/// </summary>
internal sealed class LedgerRuntime : IChainRecovery
{
    private volatile LedgerConnection? _connection;
    private long _generation;

    public LedgerConnection Connection => _connection ?? throw new LedgerUnavailableException("The ledger has not started (or has stopped).");

    public bool IsStarted => _connection is not null;

    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>The head block as last polled; forgotten when a transaction this process sent is confirmed.</summary>
    public ChainHead Head { get; } = new();

    internal void Started(LedgerConnection connection, long generation)
    {
        Interlocked.Exchange(ref _generation, generation);
        _connection = connection;
    }

    internal void Stopped() => _connection = null;
}
