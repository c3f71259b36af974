using Nethereum.Contracts;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Governance;

/// <summary>The board as the chain holds it.</summary>
/// <param name="Board">SankofaBoard's address.</param>
/// <param name="Timelock">Its timelock's address.</param>
/// <param name="Members">The members' addresses.</param>
/// <param name="Threshold">Approvals a proposal needs.</param>
/// <param name="EmergencyThreshold">Approvals an emergency pause needs.</param>
/// <param name="Delay">How long a decided proposal waits.</param>
public sealed record BoardView(string Board, string Timelock, IReadOnlyList<string> Members, int Threshold, int EmergencyThreshold, TimeSpan Delay);

/// <summary>A board member as the chain knows it.</summary>
/// <param name="Address">Its address.</param>
/// <param name="BalanceWei">What it can spend on gas.</param>
/// <param name="IdentityIdHash">The id hash of the identity it is the controller of (IdentityRegistry.identityOf), or null.</param>
public sealed record MemberView(string Address, System.Numerics.BigInteger BalanceWei, string? IdentityIdHash);

/// <summary>A proposal as the chain holds it.</summary>
/// <param name="Id">Its id (0x and 64 hex digits).</param>
/// <param name="Proposer">Who proposed it.</param>
/// <param name="State">pending, queued, executed, cancelled (or none).</param>
/// <param name="Approvals">Approvals so far.</param>
/// <param name="Calls">Its calls: target and calldata (0x hex).</param>
/// <param name="ReadyAt">When the timelock lets it run, once queued.</param>
public sealed record ProposalView(string Id, string Proposer, string State, int Approvals, IReadOnlyList<(string Target, string Calldata)> Calls, DateTimeOffset? ReadyAt);

/// <summary>
/// The board from outside the control plane (<c>sankofa gov</c>): reads from any node of the chain, and, with a member's
/// key, that member's proposals, approvals, executions, cancellations and pause votes, each a transaction the member signs.
/// </summary>
public sealed class BoardClient : IDisposable
{
    private readonly JsonRpcClient _rpc;
    private readonly bool _ownsRpc;
    private readonly string _board;
    private readonly SigningKey? _key;

    /// <summary>Creates a client.</summary>
    /// <param name="rpcUrl">A node of the chain (an http(s) URL or an IPC socket path); writing needs one that takes transactions.</param>
    /// <param name="board">SankofaBoard's address.</param>
    /// <param name="memberKey">The member's private key (32 bytes), for writing; null to read only.</param>
    public BoardClient(Uri rpcUrl, string board, ReadOnlySpan<byte> memberKey = default)
    {
        ArgumentNullException.ThrowIfNull(rpcUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(board);
        _rpc = new JsonRpcClient(rpcUrl, TimeSpan.FromSeconds(30));
        _ownsRpc = true;
        _board = board;
        _key = memberKey.IsEmpty ? null : new SigningKey(memberKey);
    }

    /// <summary>A read-only client on a connection the caller keeps (the ledger's own).</summary>
    internal BoardClient(JsonRpcClient rpc, string board) => (_rpc, _board) = (rpc, board);

    /// <summary>The board's address.</summary>
    public string Board => _board;

    /// <summary>The member's address, when a key was given.</summary>
    public string? MemberAddress => _key?.Address;

    /// <summary>Members, thresholds, timelock and delay.</summary>
    public async Task<BoardView> GetAsync(CancellationToken cancellationToken)
    {
        var timelock = await BoardMember.TimelockOfAsync(_rpc, _board, cancellationToken).ConfigureAwait(false);
        var members = await BoardMember.MembersAsync(_rpc, _board, cancellationToken).ConfigureAwait(false);
        var threshold = await UIntAsync(_board, new ThresholdFunction().GetCallData(), cancellationToken).ConfigureAwait(false);
        var emergency = await UIntAsync(_board, new EmergencyThresholdFunction().GetCallData(), cancellationToken).ConfigureAwait(false);
        var delay = await UIntAsync(timelock, Contracts.Abi.Selector("getMinDelay()"), cancellationToken).ConfigureAwait(false);
        return new BoardView(_board, timelock, members, (int)threshold, (int)emergency, TimeSpan.FromSeconds(delay));
    }

    /// <summary>
    /// Each member with what it can spend on gas (wei) and, when <paramref name="identityRegistry"/> is given, the id hash
    /// of the identity whose controller it is (a member may act with its identity's controller key; null when none).
    /// </summary>
    public async Task<IReadOnlyList<MemberView>> GetMembersAsync(string? identityRegistry, CancellationToken cancellationToken)
    {
        var members = await BoardMember.MembersAsync(_rpc, _board, cancellationToken).ConfigureAwait(false);
        var views = new List<MemberView>(members.Count);
        foreach (var member in members)
        {
            var balance = Hex.ToBigInteger((await _rpc.CallAsync("eth_getBalance", cancellationToken, member, "latest").ConfigureAwait(false)).GetString()!);
            string? identity = null;
            if (identityRegistry is not null)
            {
                var data = new byte[36];
                Contracts.Abi.Selector("identityOf(address)").CopyTo(data, 0);
                Contracts.Abi.WriteAddress(data.AsSpan(4), member);
                var word = (await _rpc.CallAsync("eth_call", cancellationToken, new { to = identityRegistry, data = Hex.Bytes(data) }, "latest").ConfigureAwait(false)).GetString()!;
                identity = Hex.ToBytes(word).All(b => b == 0) ? null : word;
            }

            views.Add(new MemberView(member, balance, identity));
        }

        return views;
    }

    /// <summary>A proposal by its id.</summary>
    public async Task<ProposalView> GetProposalAsync(string proposalId, CancellationToken cancellationToken)
    {
        var p = await BoardMember.GetProposalAsync(_rpc, _board, Id(proposalId), cancellationToken).ConfigureAwait(false);
        return new ProposalView(Hex.Bytes(p.Id), p.Proposer, p.State.ToString().ToLowerInvariant(), (int)p.Approvals,
            [.. p.Calls.Select(c => (c.Target, Hex.Bytes(c.Payload)))], p.ReadyAt);
    }

    /// <summary>Proposes a batch of calls (target, 0x calldata); returns the proposal id and the transaction.</summary>
    public async Task<(string Id, string Transaction)> ProposeAsync(IReadOnlyList<(string Target, string Calldata)> calls, string description, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var (id, transaction) = await (await MemberAsync(cancellationToken).ConfigureAwait(false)).ProposeAsync([.. calls.Select(c => new BoardCall(c.Target, Hex.ToBytes(c.Calldata)))], description, cancellationToken)
            .ConfigureAwait(false);
        return (Hex.Bytes(id), transaction);
    }

    /// <summary>Approves a pending proposal; returns the transaction.</summary>
    public async Task<string> ApproveAsync(string proposalId, CancellationToken cancellationToken) =>
        await (await MemberAsync(cancellationToken).ConfigureAwait(false)).ApproveAsync(Id(proposalId), cancellationToken).ConfigureAwait(false);

    /// <summary>Runs a queued proposal whose delay has passed; returns the transaction.</summary>
    public async Task<string> ExecuteAsync(string proposalId, CancellationToken cancellationToken) =>
        await (await MemberAsync(cancellationToken).ConfigureAwait(false)).ExecuteAsync(Id(proposalId), cancellationToken).ConfigureAwait(false);

    /// <summary>Cancels a proposal that has not run; returns the transaction.</summary>
    public async Task<string> CancelAsync(string proposalId, CancellationToken cancellationToken) =>
        await (await MemberAsync(cancellationToken).ConfigureAwait(false)).CancelAsync(Id(proposalId), cancellationToken).ConfigureAwait(false);

    /// <summary>Votes to pause a contract at once; returns the transaction.</summary>
    public async Task<string> PauseAsync(string contract, CancellationToken cancellationToken) =>
        await (await MemberAsync(cancellationToken).ConfigureAwait(false)).EmergencyPauseAsync(contract, cancellationToken).ConfigureAwait(false);

    /// <summary>The calldata of <c>unpause()</c>, for a proposal.</summary>
    public static string UnpauseCalldata => Hex.Bytes(new UnpauseFunction().GetCallData());

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsRpc)
        {
            _rpc.Dispose();
        }

        _key?.Dispose();
    }

    private async Task<BoardMember> MemberAsync(CancellationToken cancellationToken)
    {
        var key = _key ?? throw new InvalidOperationException("A member's key is needed to act on the board.");
        var chainId = Hex.ToLong(await _rpc.CallAsync("eth_chainId", cancellationToken).ConfigureAwait(false));
        return new BoardMember(_rpc, chainId, key, _board);
    }

    private static byte[] Id(string proposalId) =>
        Hex.ToBytes(proposalId) is { Length: 32 } id ? id : throw new ArgumentException($"'{proposalId}' is not a proposal id (0x and 64 hex digits).", nameof(proposalId));

    private async Task<ulong> UIntAsync(string to, byte[] data, CancellationToken cancellationToken) =>
        (ulong)Hex.ToBigInteger((await _rpc.CallAsync("eth_call", cancellationToken, new { to, data = Hex.Bytes(data) }, "latest").ConfigureAwait(false)).GetString()!);
}
