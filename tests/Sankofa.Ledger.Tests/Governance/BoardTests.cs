using System.Text;
using Nethereum.Contracts;
using Nethereum.Util;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Governance;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Tests.Governance;

/// <summary>
/// SankofaBoard and its timelock on the embedded chain: three members with their own keys and funded accounts (k = 2,
/// emergency 1, a one-hour delay), deciding changes to the ResourceRegistry of the fixture's chain. Time is moved on with
/// anvil's evm_increaseTime, so this class has a chain of its own.
/// </summary>
public sealed class BoardTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>, IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Delay = TimeSpan.FromHours(1);
    private static readonly byte[] ControlPlaneRole = Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes("CONTROL_PLANE_ROLE"));

    private readonly SigningKey[] _keys = [SigningKey.Generate(), SigningKey.Generate(), SigningKey.Generate()];
    private readonly SigningKey _outsiderKey = SigningKey.Generate();
    private BoardAddresses _board = null!;
    private BoardMember[] _members = null!;

    private LedgerConnection Connection => fixture.Host.Connection;

    private string Registry => Connection.ResourceRegistryAddress;

    public async Task InitializeAsync()
    {
        foreach (var key in _keys.Append(_outsiderKey))
        {
            await Connection.Rpc.CallAsync("anvil_setBalance", None, key.Address, "0x56BC75E2D63100000"); // 100 ETH each, their own gas
        }

        _board = await BoardDeployment.DeployAsync(Connection, [.. _keys.Select(k => k.Address)], threshold: 2, emergencyThreshold: 1, Delay, None);
        _members = [.. _keys.Select(k => new BoardMember(Connection.Rpc, Connection.ChainId, k, _board.Board))];
        // The control plane's key still administers the fixture's registry: it gives the timelock the admin and pauser
        // roles, and the board the pauser role (for emergencies), as the migration to the board will.
        await GrantAsync(BoardDeployment.AdminRole, _board.Timelock);
        await GrantAsync(BoardDeployment.PauserRole, _board.Timelock);
        await GrantAsync(BoardDeployment.PauserRole, _board.Board);
    }

    public Task DisposeAsync()
    {
        foreach (var key in _keys.Append(_outsiderKey))
        {
            key.Dispose();
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task One_approval_short_of_the_threshold_runs_nothing_and_the_kth_waits_out_the_timelock_before_anyone_may_run_it()
    {
        var region = SigningKey.Generate().Address;
        var grant = new BoardCall(Registry, new GrantRoleFunction { Role = ControlPlaneRole, Account = region }.GetCallData());

        var (id, _) = await _members[0].ProposeAsync([grant], "Add region eu-west's control plane key", None);
        var pending = await BoardMember.GetProposalAsync(Connection.Rpc, _board.Board, id, None);
        var twice = await Assert.ThrowsAsync<InvalidOperationException>(() => _members[0].ApproveAsync(id, None));
        var early = await Assert.ThrowsAsync<InvalidOperationException>(() => _members[2].ExecuteAsync(id, None));

        // The id is the documented encoding (docs/governance.md), as the contract computes it itself.
        var byContract = await Connection.Rpc.CallAsync("eth_call", None, new
        {
            to = _board.Board,
            data = Hex.Bytes(new HashProposalFunction
            {
                Targets = [Registry], Values = [0], Payloads = [grant.Payload],
                DescriptionHash = Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes("Add region eu-west's control plane key")),
            }.GetCallData()),
        }, "latest");
        Assert.Equal(Hex.Bytes(id), byContract.GetString());
        Assert.Equal((ProposalState.Pending, 1u, _keys[0].Address.ToLowerInvariant()), (pending.State, pending.Approvals, pending.Proposer.ToLowerInvariant()));
        Assert.Contains("AlreadyApproved", twice.Message, StringComparison.Ordinal);
        Assert.Contains("WrongState", early.Message, StringComparison.Ordinal);
        Assert.False(await HasRoleAsync(ControlPlaneRole, region));

        await _members[1].ApproveAsync(id, None);
        var queued = await BoardMember.GetProposalAsync(Connection.Rpc, _board.Board, id, None);
        var held = await Assert.ThrowsAsync<InvalidOperationException>(() => _members[2].ExecuteAsync(id, None));

        Assert.Equal((ProposalState.Queued, 2u), (queued.State, queued.Approvals));
        Assert.Equal(await ChainTimeAsync() + Delay, queued.ReadyAt!.Value, TimeSpan.FromSeconds(5));
        Assert.Contains("TimelockUnexpectedOperationState", held.Message, StringComparison.Ordinal);
        Assert.False(await HasRoleAsync(ControlPlaneRole, region));

        await PassAsync(Delay);
        await _members[2].ExecuteAsync(id, None);

        Assert.Equal(ProposalState.Executed, (await BoardMember.GetProposalAsync(Connection.Rpc, _board.Board, id, None)).State);
        Assert.True(await HasRoleAsync(ControlPlaneRole, region));
    }

    [Fact]
    public async Task A_non_member_cannot_propose_and_membership_and_thresholds_change_only_by_a_decided_proposal()
    {
        var outsider = new BoardMember(Connection.Rpc, Connection.ChainId, _outsiderKey, _board.Board);
        var newcomer = SigningKey.Generate().Address;
        var add = new BoardCall(_board.Board, new AddMemberFunction { Member = newcomer }.GetCallData());

        var notMember = await Assert.ThrowsAsync<InvalidOperationException>(() => outsider.ProposeAsync([add], "let me in", None));
        // A member cannot change the board directly either: only the timelock, running a decided proposal, may.
        var direct = await Assert.ThrowsAsync<JsonRpcException>(() => Connection.Rpc.CallAsync("eth_call", None,
            new { from = _keys[0].Address, to = _board.Board, data = Hex.Bytes(add.Payload) }, "latest"));

        Assert.Contains("NotMember", notMember.Message, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(Abi.Selector("OnlyTimelock(address)")), direct.Message, StringComparison.OrdinalIgnoreCase);

        var thresholds = new BoardCall(_board.Board, new SetThresholdsFunction { Threshold = 3, EmergencyThreshold = 1 }.GetCallData());
        var (id, _) = await _members[1].ProposeAsync([add, thresholds], "Add a fourth member and require three approvals", None);
        await _members[2].ApproveAsync(id, None);
        await PassAsync(Delay);
        await outsider.ExecuteAsync(id, None); // anyone may run a ready batch

        Assert.Contains(newcomer, await BoardMember.MembersAsync(Connection.Rpc, _board.Board, None), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(4, (await BoardMember.MembersAsync(Connection.Rpc, _board.Board, None)).Count);
    }

    [Fact]
    public async Task One_member_pauses_a_contract_at_once_and_unpausing_takes_the_full_process()
    {
        await _members[2].EmergencyPauseAsync(Registry, None);

        Assert.True(await PausedAsync());

        var unpause = new BoardCall(Registry, new UnpauseFunction().GetCallData());
        var (id, _) = await _members[0].ProposeAsync([unpause], "Resume ResourceRegistry " + Guid.NewGuid(), None);
        await _members[2].ApproveAsync(id, None);
        Assert.True(await PausedAsync()); // decided, but waiting out the delay
        await PassAsync(Delay);
        await _members[1].ExecuteAsync(id, None);

        Assert.False(await PausedAsync());
    }

    [Fact]
    public async Task A_queued_proposal_cancelled_by_a_member_can_no_longer_run()
    {
        var region = SigningKey.Generate().Address;
        var grant = new BoardCall(Registry, new GrantRoleFunction { Role = ControlPlaneRole, Account = region }.GetCallData());
        var (id, _) = await _members[0].ProposeAsync([grant], "A change the board thinks better of", None);
        await _members[1].ApproveAsync(id, None);

        await _members[2].CancelAsync(id, None);
        await PassAsync(Delay);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => _members[0].ExecuteAsync(id, None));

        Assert.Equal(ProposalState.Cancelled, (await BoardMember.GetProposalAsync(Connection.Rpc, _board.Board, id, None)).State);
        Assert.Contains("WrongState", refused.Message, StringComparison.Ordinal);
        Assert.False(await HasRoleAsync(ControlPlaneRole, region));
    }

    private async Task GrantAsync(byte[] role, string account)
    {
        var receipt = await Connection.Gateway.SendAsync(
            new TransactionRequest($"test:grant:{Convert.ToHexStringLower(role)}:{account}", Registry, new GrantRoleFunction { Role = role, Account = account }.GetCallData(), 100_000), None);
        Assert.True(receipt.Succeeded);
    }

    private Task<bool> HasRoleAsync(byte[] role, string account) => BoardHandover.HasRoleAsync(Connection.Rpc, Registry, role, account, None);

    private Task<bool> PausedAsync() => CallBoolAsync(new PausedFunction().GetCallData());

    private async Task<bool> CallBoolAsync(byte[] data)
    {
        var answer = Hex.ToBytes((await Connection.Rpc.CallAsync("eth_call", None, new { to = Registry, data = Hex.Bytes(data) }, "latest")).GetString()!);
        return answer[^1] == 1;
    }

    private async Task<DateTimeOffset> ChainTimeAsync()
    {
        var block = await Connection.Rpc.CallAsync("eth_getBlockByNumber", None, "latest", false);
        return DateTimeOffset.FromUnixTimeSeconds(Hex.ToLong(block.GetProperty("timestamp")));
    }

    private async Task PassAsync(TimeSpan time)
    {
        await Connection.Rpc.CallAsync("evm_increaseTime", None, (long)time.TotalSeconds + 1);
        await Connection.Rpc.CallAsync("evm_mine", None);
    }
}
