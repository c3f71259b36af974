using Nethereum.Contracts;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Governance;

/// <summary>A contract the board governs, and whether it can be paused.</summary>
/// <param name="Name">Its name, for messages.</param>
/// <param name="Address">Its address.</param>
/// <param name="Pausable">Whether it has PAUSER_ROLE, pause and unpause.</param>
/// <param name="BoardRoles">
/// Roles besides the admin's that only the board may exercise once governed (ResourceRegistry's SITE_REGISTRAR_ROLE:
/// which key attests for a site is a board decision): the timelock takes them and the key renounces them.
/// </param>
internal sealed record GovernedContract(string Name, string Address, bool Pausable, params string[] BoardRoles);

/// <summary>
/// Hands governed contracts to the board: the timelock is granted the admin role (and the pauser role), the board the
/// pauser role, the timelock also each of the contract's <see cref="GovernedContract.BoardRoles"/>, and the control
/// plane's key renounces them all, in that order, so a contract is never left without an
/// admin. A contract whose admin role the key no longer holds is left as it is, so running it again is harmless.
/// </summary>
internal static class BoardHandover
{
    /// <summary>Hands over every contract the key still administers; returns their names.</summary>
    public static async Task<IReadOnlyList<string>> HandOverAsync(
        JsonRpcClient rpc, LedgerGateway gateway, string key, BoardAddresses board, IReadOnlyList<GovernedContract> contracts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(contracts);
        var handed = new List<string>();
        foreach (var contract in contracts)
        {
            if (!await HasRoleAsync(rpc, contract.Address, BoardDeployment.AdminRole, key, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var steps = new List<(string Step, byte[] Data)> { ("grant-admin", Grant(BoardDeployment.AdminRole, board.Timelock)) };
            if (contract.Pausable)
            {
                steps.Add(("grant-pauser-timelock", Grant(BoardDeployment.PauserRole, board.Timelock)));
                steps.Add(("grant-pauser-board", Grant(BoardDeployment.PauserRole, board.Board)));
                steps.Add(("renounce-pauser", Renounce(BoardDeployment.PauserRole, key)));
            }

            foreach (var role in contract.BoardRoles)
            {
                steps.Add(($"grant-{role}", Grant(BoardDeployment.Role(role), board.Timelock)));
                steps.Add(($"renounce-{role}", Renounce(BoardDeployment.Role(role), key)));
            }

            steps.Add(("renounce-admin", Renounce(BoardDeployment.AdminRole, key)));
            foreach (var (step, data) in steps)
            {
                var receipt = await gateway.SendAsync(new TransactionRequest($"board:handover:{contract.Address}:{step}", contract.Address, data, 100_000), cancellationToken)
                    .ConfigureAwait(false);
                if (!receipt.Succeeded)
                {
                    throw new InvalidOperationException($"Handing {contract.Name} to the board failed at {step} (transaction {receipt.TransactionHash}).");
                }
            }

            handed.Add(contract.Name);
        }

        return handed;
    }

    /// <summary>Whether <paramref name="account"/> holds <paramref name="role"/> on an AccessControl contract.</summary>
    public static async Task<bool> HasRoleAsync(JsonRpcClient rpc, string contract, byte[] role, string account, CancellationToken cancellationToken)
    {
        var answer = await rpc.CallAsync("eth_call", cancellationToken,
            new { to = contract, data = Hex.Bytes(new HasRoleFunction { Role = role, Account = account }.GetCallData()) }, "latest").ConfigureAwait(false);
        return Hex.ToBytes(answer.GetString()!) is [.., 1];
    }

    private static byte[] Grant(byte[] role, string account) => new GrantRoleFunction { Role = role, Account = account }.GetCallData();

    private static byte[] Renounce(byte[] role, string account) => new RenounceRoleFunction { Role = role, CallerConfirmation = account }.GetCallData();
}
