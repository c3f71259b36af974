using System.Numerics;
using Nethereum.ABI;
using Nethereum.Contracts;
using Nethereum.Util;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Governance;

/// <summary>The board's two contracts on chain.</summary>
/// <param name="Timelock">SankofaTimelock: runs decided batches after the delay; meant to hold every contract's admin role.</param>
/// <param name="Board">SankofaBoard: members, thresholds, proposals, approvals, emergency pauses.</param>
internal sealed record BoardAddresses(string Timelock, string Board);

/// <summary>
/// Deploys a board: the timelock first (with the deployer as a temporary admin, since the board needs the timelock's
/// address), then the board, then the timelock's proposer and canceller roles to the board, and the deployer renounces
/// its admin role, so from then on only the board's decisions reach the timelock (which administers itself).
/// </summary>
internal static class BoardDeployment
{
    /// <summary>keccak256("PROPOSER_ROLE"): may schedule batches in the timelock.</summary>
    public static readonly byte[] ProposerRole = Role("PROPOSER_ROLE");

    /// <summary>keccak256("CANCELLER_ROLE"): may cancel a scheduled batch.</summary>
    public static readonly byte[] CancellerRole = Role("CANCELLER_ROLE");

    /// <summary>AccessControl's DEFAULT_ADMIN_ROLE (zero).</summary>
    public static readonly byte[] AdminRole = new byte[32];

    /// <summary>keccak256("PAUSER_ROLE") of the governed contracts.</summary>
    public static readonly byte[] PauserRole = Role("PAUSER_ROLE");

    /// <summary>Deploys and wires a board with the connection's own key as the (temporary) deployer.</summary>
    public static Task<BoardAddresses> DeployAsync(
        LedgerConnection connection, IReadOnlyList<string> members, uint threshold, uint emergencyThreshold, TimeSpan minDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return DeployAsync(connection.Rpc, connection.Gateway, connection.SignerAddress, members, threshold, emergencyThreshold, minDelay, cancellationToken);
    }

    /// <summary>Deploys and wires a board with <paramref name="deployer"/>, the gateway's key, as the (temporary) deployer.</summary>
    public static async Task<BoardAddresses> DeployAsync(
        JsonRpcClient rpc, LedgerGateway gateway, string deployer, IReadOnlyList<string> members, uint threshold, uint emergencyThreshold, TimeSpan minDelay,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(members);
        var timelock = await DeployAsync(rpc, gateway, deployer, "SankofaTimelock", ContractArtifact.SankofaTimelock.CreationCode(
            new ABIValue("uint256", new BigInteger((long)minDelay.TotalSeconds)),
            new ABIValue("address[]", new List<string>()),
            new ABIValue("address[]", new List<string> { "0x0000000000000000000000000000000000000000" }), // anyone may execute a ready batch
            new ABIValue("address", deployer)), cancellationToken).ConfigureAwait(false);
        var board = await DeployAsync(rpc, gateway, deployer, "SankofaBoard", ContractArtifact.SankofaBoard.CreationCode(
            new ABIValue("address", timelock),
            new ABIValue("address[]", members.ToList()),
            new ABIValue("uint32", threshold),
            new ABIValue("uint32", emergencyThreshold)), cancellationToken).ConfigureAwait(false);
        await SendAsync(gateway, "grant-proposer", timelock, new GrantRoleFunction { Role = ProposerRole, Account = board }.GetCallData(), cancellationToken).ConfigureAwait(false);
        await SendAsync(gateway, "grant-canceller", timelock, new GrantRoleFunction { Role = CancellerRole, Account = board }.GetCallData(), cancellationToken).ConfigureAwait(false);
        await SendAsync(gateway, "renounce-admin", timelock, new RenounceRoleFunction { Role = AdminRole, CallerConfirmation = deployer }.GetCallData(), cancellationToken)
            .ConfigureAwait(false);
        return new BoardAddresses(timelock, board);
    }

    private static async Task<string> DeployAsync(JsonRpcClient rpc, LedgerGateway gateway, string deployer, string name, byte[] code, CancellationToken cancellationToken)
    {
        var estimate = Hex.ToLong(await rpc.CallAsync("eth_estimateGas", cancellationToken, new { from = deployer, data = Hex.Bytes(code) }).ConfigureAwait(false));
        var receipt = await gateway.SendAsync(
            new TransactionRequest($"deploy:{name}:{Guid.NewGuid():N}", null, code, estimate + (estimate / 5)), cancellationToken).ConfigureAwait(false);
        return receipt is { Succeeded: true, ContractAddress: { } address }
            ? address
            : throw new InvalidOperationException($"Deploying {name} failed in transaction {receipt.TransactionHash}.");
    }

    private static async Task SendAsync(LedgerGateway gateway, string step, string to, byte[] data, CancellationToken cancellationToken)
    {
        var receipt = await gateway.SendAsync(new TransactionRequest($"board:{step}:{to}", to, data, 100_000), cancellationToken).ConfigureAwait(false);
        if (!receipt.Succeeded)
        {
            throw new InvalidOperationException($"Wiring the board ({step}) failed in transaction {receipt.TransactionHash}.");
        }
    }

    /// <summary>An AccessControl role's id: keccak-256 of its name.</summary>
    public static byte[] Role(string name) => Sha3Keccack.Current.CalculateHash(System.Text.Encoding.UTF8.GetBytes(name));
}
