namespace Sankofa.Ledger;

/// <summary>
/// Settings of the chain connection, bound from the <c>Ledger</c> configuration section.
/// With no <see cref="RpcUrl"/> Sankofa runs its own chain (anvil) under <c>&lt;DataDirectory&gt;/ledger/</c>;
/// with one it talks to that node (Besu in production) and deploys or reuses the contracts there.
/// </summary>
public sealed class LedgerOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Ledger";

    /// <summary>
    /// JSON-RPC endpoint of an external node: an http(s) URL, or the path of a node's IPC socket (anvil, geth).
    /// Null (default): start the embedded anvil chain.
    /// </summary>
    public Uri? RpcUrl { get; set; }

    /// <summary>Chain id the node must report; a mismatch stops start-up. Default 31337 (the embedded chain's id).</summary>
    public long ChainId { get; set; } = 31337;

    /// <summary>
    /// Address of an already deployed AuditAnchor contract. Optional: when absent the ledger deploys one on first start
    /// and records it in <c>ledger/deployment.json</c>. When set, code must exist there or start-up fails.
    /// </summary>
    public string? AuditAnchorAddress { get; set; }

    /// <summary>
    /// Address of an already deployed ResourceRegistry contract. Optional, like <see cref="AuditAnchorAddress"/>: deployed on
    /// first start and recorded in <c>ledger/deployment.json</c> when absent; when set, code must exist there.
    /// </summary>
    public string? ResourceRegistryAddress { get; set; }

    /// <summary>
    /// Address of an already deployed IdentityRegistry contract. Optional, like <see cref="AuditAnchorAddress"/>: deployed on
    /// first start and recorded in <c>ledger/deployment.json</c> when absent; when set, code must exist there and the
    /// signing key must hold its REGISTRAR_ROLE. Control planes in several regions sharing one chain all set it to the
    /// same contract, so a revocation through one is seen by all.
    /// </summary>
    public string? IdentityRegistryAddress { get; set; }

    /// <summary>
    /// Address of an already deployed SankofaBilling contract (its proxy). Optional, like <see cref="AuditAnchorAddress"/>:
    /// deployed on first start, bound to the IdentityRegistry, and recorded in <c>ledger/deployment.json</c> when absent.
    /// </summary>
    public string? BillingAddress { get; set; }

    /// <summary>
    /// Seconds after an invoice is issued before an auditor's approval alone makes it final (docs/billing.md), set when
    /// SankofaBilling is deployed; later changes are the admin's (the board's) <c>setDisputeWindow</c>. Default 14 days.
    /// </summary>
    public TimeSpan BillingDisputeWindow { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// Address of an already deployed SankofaCustody contract (its proxy). Optional, like <see cref="BillingAddress"/>:
    /// deployed on first start, bound to the IdentityRegistry, and recorded in <c>ledger/deployment.json</c> when absent.
    /// </summary>
    public string? CustodyAddress { get; set; }

    /// <summary>The governance board that owns the contracts (<c>Ledger:Board</c>); none by default.</summary>
    public Governance.BoardOptions Board { get; } = new();

    /// <summary>
    /// Password of the signing key's keystore file. Required with <see cref="RpcUrl"/>. In embedded mode, when absent,
    /// one is generated and kept in <c>ledger/keystore-password</c> (mode 0600) beside the keystore: that protects the key
    /// only as well as the data directory is protected, which is acceptable for a single-node chain Sankofa runs itself.
    /// </summary>
    public string? KeyPassword { get; set; }

    /// <summary>
    /// Whether the embedded anvil runs in a network namespace of its own (<c>unshare --map-root-user --net</c>), so that its
    /// HTTP port, which takes state-changing methods, is reachable from nowhere. Default true. Set false only where user
    /// namespaces are not allowed (some containers): any local process can then change the embedded chain's state.
    /// </summary>
    public bool IsolateChain { get; set; } = true;

    /// <summary>Path of the anvil binary. Default: <c>node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil</c> found by searching upward from the application and current directories.</summary>
    public string? AnvilPath { get; set; }

    /// <summary>Resident memory (MiB) above which the embedded anvil is restarted, keeping its state. Default 2048.</summary>
    public int MemoryLimitMegabytes { get; set; } = 2048;

    /// <summary>How often the embedded chain's memory and liveness are checked. Default 5 seconds.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often anvil writes its state file, in seconds, besides on exit. Default 5.</summary>
    public int StateIntervalSeconds { get; set; } = 5;

    /// <summary>Block gas limit of the embedded chain. Default 1,000,000,000, so large anchorMany batches fit in one block.</summary>
    public long BlockGasLimit { get; set; } = 1_000_000_000;

    /// <summary>Seconds between embedded blocks. Null or 0 (default): a block per transaction as soon as it arrives (instant mining).</summary>
    public int? BlockTimeSeconds { get; set; }

    /// <summary>How long start-up waits for the embedded chain to answer. Default 30 seconds.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one JSON-RPC request (HTTP or IPC). Default 30 seconds.</summary>
    public TimeSpan RpcTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a caller waits for a transaction's receipt before getting <c>LedgerUnavailableException</c>. The transaction is still tracked and re-sent. Default 2 minutes.</summary>
    public TimeSpan ConfirmationTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often receipts of in-flight transactions are polled. Default 50 ms.</summary>
    public TimeSpan ReceiptPollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long a transaction whose nonce the chain has mined may go without a receipt before it counts as displaced
    /// (another sender took the nonce) and is signed again with a fresh one. Too short, and a transaction mined but not
    /// yet served runs twice. Default 10 seconds.
    /// </summary>
    public TimeSpan DisplacedAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First wait before re-broadcasting a transaction that has no receipt yet; doubles per attempt. Default 2 seconds.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between re-broadcasts. Default 30 seconds.</summary>
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Batch roots packed into one anchorMany transaction. Default 100 (about 7M gas).</summary>
    public int MaxBatchesPerTransaction { get; set; } = 100;

    /// <summary>
    /// ResourceRegistry transitions (request, place, attest, ...) packed into one <c>multicall</c> transaction. Concurrent
    /// calls are queued and sent together, one transaction in flight at a time. Default 200 (the gas budget below
    /// usually closes a batch first, at some 180 transitions).
    /// </summary>
    public int MaxTransitionsPerTransaction { get; set; } = 200;

    /// <summary>
    /// Shortest time between two transactions of ResourceRegistry transitions, unless a full batch
    /// (<see cref="MaxTransitionsPerTransaction"/>) is waiting: calls made meanwhile wait and go together. Each block costs
    /// a node work in proportion to all the state it holds (the embedded chain, instantly mined, rehashes every storage
    /// slot per block), so at thousands of resources many small transactions cost it far more than a few full ones.
    /// Each wait also adds to every provisioning's latency (three chain steps per VM), which caps throughput at a fixed
    /// concurrency. Default 100 ms; zero sends as soon as the previous transaction is mined.
    /// </summary>
    public TimeSpan MinTransitionInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Gas limit of one transaction of ResourceRegistry transitions: a batch closes before the sum of its transitions'
    /// worst-case gas would pass it. Default 15,000,000 (room for 100 of the costliest, a first request, at 100k each),
    /// under the 16,777,216 per-transaction cap of EIP-7825 (Osaka) and far under the embedded chain's
    /// <see cref="BlockGasLimit"/>; keep it below the block gas limit of a configured node.
    /// </summary>
    public long MaxTransitionGasPerTransaction { get; set; } = 15_000_000;

    /// <summary>
    /// Most asset registrations packed into one SankofaCustody <c>registerBatch</c> transaction: concurrent registrations
    /// are queued and sent together, one transaction in flight at a time. The batch is smaller when the chain's block gas
    /// limit, read once, calls for it: a batch takes at most half a block (docs/hardware.md). Default 1,000: about 161M
    /// gas (estimated) and 256 KB of call data. Every block costs the chain work in proportion to all the state it holds,
    /// so fewer, fuller blocks are what keeps 100,000 registrations a matter of minutes. A node that caps a transaction's
    /// gas (EIP-7825, 16,777,216 from Osaka on) needs 80 or fewer; one that refuses transactions over 128 KiB (geth-style
    /// pools), 500 or fewer.
    /// </summary>
    public int MaxRegistrationsPerTransaction { get; set; } = 1_000;

    /// <summary>
    /// How long the identity a custody signature's key resolved to on IdentityRegistry is reused before it is read again.
    /// The contract checks every signature again, so a key rebound meanwhile costs its event a refusal by the contract,
    /// not a wrong record. Default 10 seconds; zero reads it for every signature.
    /// </summary>
    public TimeSpan SignerCacheDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Batch ids read per rootsOf call. Default 500.</summary>
    public int RootsReadChunkSize { get; set; } = 500;

    /// <summary>Transactions the gateway keeps in flight (sent, not yet in a block) before new sends wait. Default 512.</summary>
    public int MaxPendingTransactions { get; set; } = 512;

    /// <summary>Send EIP-1559 (type 2) transactions instead of EIP-155 legacy ones. Default false: legacy works on every Besu and anvil configuration, including zero-gas-price networks.</summary>
    public bool UseEip1559 { get; set; }

    /// <summary>How the chain's record of a resource shown in answers to reads is kept between blocks.</summary>
    public LedgerRecordCacheOptions RecordCache { get; set; } = new();
}

/// <summary>
/// Settings of the read cache for the chain's record of a resource (<c>Ledger:RecordCache</c>): a record read at a block
/// cannot change until the chain has a new block, so it is kept for the head block it was read at and read again once
/// the head moves. The head is polled, and forgotten the moment a transaction of this process is confirmed, so a
/// client that waited for a change made through this control plane never sees the record from before it.
/// </summary>
public sealed class LedgerRecordCacheOptions
{
    /// <summary>Keep records per head block. Default true; false reads the chain's latest state on every request.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How often the head block is asked for: the most by which an answer can lag a block made by another writer (another
    /// replica, a governance board). Default 100 ms.
    /// </summary>
    public TimeSpan HeadPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// A resource the store changed less than this before the head was asked for is read at the chain's latest state:
    /// the change may come from a transaction another replica saw confirmed after that head (its clock may differ from
    /// ours by up to this much). Default 2 seconds.
    /// </summary>
    public TimeSpan RecentChangeMargin { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Records kept at most; past it the cache starts again empty. Default 100,000.</summary>
    public int MaxEntries { get; set; } = 100_000;
}
