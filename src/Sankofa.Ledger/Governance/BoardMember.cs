using System.Numerics;
using System.Text.Json;
using Nethereum.Contracts;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Governance;

/// <summary>Where a board proposal stands (SankofaBoard.State).</summary>
internal enum ProposalState
{
    /// <summary>No such proposal.</summary>
    None,

    /// <summary>Proposed, waiting for approvals.</summary>
    Pending,

    /// <summary>Approved by the threshold: scheduled in the timelock.</summary>
    Queued,

    /// <summary>Its calls ran.</summary>
    Executed,

    /// <summary>Cancelled by a member.</summary>
    Cancelled,
}

/// <summary>One call of a proposal's batch.</summary>
/// <param name="Target">The contract called.</param>
/// <param name="Payload">The calldata.</param>
/// <param name="Value">Wei sent with it (usually none).</param>
internal sealed record BoardCall(string Target, byte[] Payload, BigInteger Value = default);

/// <summary>A proposal as the board holds it.</summary>
internal sealed record BoardProposal(byte[] Id, string Proposer, ProposalState State, uint Approvals, IReadOnlyList<BoardCall> Calls, DateTimeOffset? ReadyAt);

/// <summary>
/// A board member acting with their own key: each call is a transaction signed by the member (never by the control
/// plane) and sent to the chain, so the chain shows who proposed, approved, executed or cancelled. Before sending, the
/// call is tried with eth_estimateGas: a refusal comes back as an <see cref="InvalidOperationException"/> naming the
/// contract's error, and costs no transaction.
/// </summary>
internal sealed class BoardMember(JsonRpcClient rpc, long chainId, SigningKey key, string board)
{
    private static readonly TimeSpan ReceiptPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan ReceiptTimeout = TimeSpan.FromSeconds(60);

    private readonly TransactionSigner _signer = new(key, chainId);

    /// <summary>The member's address.</summary>
    public string Address => key.Address;

    /// <summary>Proposes a batch of calls; the member's approval is counted. Returns the proposal id and the transaction.</summary>
    public async Task<(byte[] Id, string Transaction)> ProposeAsync(IReadOnlyList<BoardCall> calls, string description, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var message = new ProposeFunction
        {
            Targets = [.. calls.Select(c => c.Target)],
            Values = [.. calls.Select(c => c.Value)],
            Payloads = [.. calls.Select(c => c.Payload)],
            Description = description,
        };
        var transaction = await SendAsync(message.GetCallData(), cancellationToken).ConfigureAwait(false);
        return (ProposalId(calls, description), transaction);
    }

    /// <summary>Approves a pending proposal; the threshold's approval schedules it in the timelock.</summary>
    public Task<string> ApproveAsync(byte[] proposalId, CancellationToken cancellationToken) =>
        SendAsync(new ApproveFunction { ProposalId = proposalId }.GetCallData(), cancellationToken);

    /// <summary>Runs a queued proposal whose delay has passed.</summary>
    public Task<string> ExecuteAsync(byte[] proposalId, CancellationToken cancellationToken) =>
        SendAsync(new ExecuteFunction { ProposalId = proposalId }.GetCallData(), cancellationToken);

    /// <summary>Cancels a proposal that has not run.</summary>
    public Task<string> CancelAsync(byte[] proposalId, CancellationToken cancellationToken) =>
        SendAsync(new CancelFunction { ProposalId = proposalId }.GetCallData(), cancellationToken);

    /// <summary>Votes to pause <paramref name="target"/> at once; the emergency threshold's vote pauses it.</summary>
    public Task<string> EmergencyPauseAsync(string target, CancellationToken cancellationToken) =>
        SendAsync(new EmergencyPauseFunction { Target = target }.GetCallData(), cancellationToken);

    /// <summary>The proposal as the board holds it now, with when the timelock lets it run once queued.</summary>
    public static async Task<BoardProposal> GetProposalAsync(JsonRpcClient rpc, string board, byte[] proposalId, CancellationToken cancellationToken)
    {
        var output = new ProposalOfOutput().DecodeOutput(await CallAsync(rpc, board, new ProposalOfFunction { ProposalId = proposalId }.GetCallData(), cancellationToken).ConfigureAwait(false));
        var state = (ProposalState)output.State;
        DateTimeOffset? readyAt = null;
        if (state == ProposalState.Queued)
        {
            var operation = Hex.ToBytes(await CallAsync(rpc, board, new OperationIdFunction { ProposalId = proposalId }.GetCallData(), cancellationToken).ConfigureAwait(false));
            var timelock = await TimelockOfAsync(rpc, board, cancellationToken).ConfigureAwait(false);
            var timestamp = Hex.ToBigInteger(await CallAsync(rpc, timelock, new GetTimestampFunction { Id = operation }.GetCallData(), cancellationToken).ConfigureAwait(false));
            readyAt = DateTimeOffset.FromUnixTimeSeconds((long)timestamp);
        }

        var calls = output.Targets.Select((t, i) => new BoardCall(t, output.Payloads[i], output.Values[i])).ToList();
        return new BoardProposal(proposalId, output.Proposer, state, output.Approvals, calls, readyAt);
    }

    /// <summary>The board's members.</summary>
    public static async Task<IReadOnlyList<string>> MembersAsync(JsonRpcClient rpc, string board, CancellationToken cancellationToken) =>
        new MembersOutput().DecodeOutput(await CallAsync(rpc, board, new MembersFunction().GetCallData(), cancellationToken).ConfigureAwait(false)).Members;

    /// <summary>The timelock the board schedules in.</summary>
    public static async Task<string> TimelockOfAsync(JsonRpcClient rpc, string board, CancellationToken cancellationToken)
    {
        var word = Hex.ToBytes(await CallAsync(rpc, board, Abi.Selector("timelock()"), cancellationToken).ConfigureAwait(false));
        return Hex.Bytes(word.AsSpan(12, 20));
    }

    /// <summary>keccak256(abi.encode(targets, values, payloads, keccak256(description))), as the board computes it.</summary>
    public static byte[] ProposalId(IReadOnlyList<BoardCall> calls, string description)
    {
        ArgumentNullException.ThrowIfNull(calls);
        // The same encoding as a call of hashProposal(address[],uint256[],bytes[],bytes32) without its selector.
        var encoded = new HashProposalFunction
        {
            Targets = [.. calls.Select(c => c.Target)],
            Values = [.. calls.Select(c => c.Value)],
            Payloads = [.. calls.Select(c => c.Payload)],
            DescriptionHash = Nethereum.Util.Sha3Keccack.Current.CalculateHash(System.Text.Encoding.UTF8.GetBytes(description)),
        }.GetCallData();
        return Nethereum.Util.Sha3Keccack.Current.CalculateHash(encoded.AsSpan(4).ToArray());
    }

    private async Task<string> SendAsync(byte[] data, CancellationToken cancellationToken)
    {
        var from = key.Address;
        long gas;
        try
        {
            gas = Hex.ToLong(await rpc.CallAsync("eth_estimateGas", cancellationToken, new { from, to = board, data = Hex.Bytes(data) }).ConfigureAwait(false));
        }
        catch (JsonRpcException ex) when (ex.IsRevert)
        {
            throw new InvalidOperationException($"The board refuses the call from {from}: {BoardErrors.Describe(ex)}", ex);
        }

        var nonce = Hex.ToLong(await rpc.CallAsync("eth_getTransactionCount", cancellationToken, from, "pending").ConfigureAwait(false));
        var price = Hex.ToBigInteger((await rpc.CallAsync("eth_gasPrice", cancellationToken).ConfigureAwait(false)).GetString()!);
        var signed = _signer.Sign(new UnsignedTransaction(nonce, board, data, gas + (gas / 4), price * 2, BigInteger.Zero));
        await rpc.CallAsync("eth_sendRawTransaction", cancellationToken, signed.RawHex).ConfigureAwait(false);
        var deadline = DateTimeOffset.UtcNow + ReceiptTimeout;
        while (true)
        {
            var receipt = await rpc.CallAsync("eth_getTransactionReceipt", cancellationToken, signed.Hash).ConfigureAwait(false);
            if (receipt.ValueKind == JsonValueKind.Object)
            {
                return receipt.GetProperty("status").GetString() == "0x1"
                    ? signed.Hash
                    : throw new InvalidOperationException($"The board's transaction {signed.Hash} from {from} reverted.");
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Transaction {signed.Hash} from {from} was not mined within {ReceiptTimeout.TotalSeconds:0} s.");
            }

            await Task.Delay(ReceiptPoll, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<string> CallAsync(JsonRpcClient rpc, string to, byte[] data, CancellationToken cancellationToken) =>
        (await rpc.CallAsync("eth_call", cancellationToken, new { to, data = Hex.Bytes(data) }, "latest").ConfigureAwait(false)).GetString()!;
}
