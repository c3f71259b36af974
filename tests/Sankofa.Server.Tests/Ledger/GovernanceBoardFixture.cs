using Microsoft.Extensions.DependencyInjection;
using Sankofa.Ledger.Governance;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Keys;
using Sankofa.Server.Tests.Identity;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Server.Tests.Ledger;

/// <summary>
/// One server whose contracts belong to a board (three members, k = 2, emergency 1, a one-hour delay) with two proposals
/// its members made with their own keys: a failover of edge-001 to edge-002 approved by two members (queued, waiting out
/// the hour) and a control plane key's three operational roles proposed by one (pending, 1 of 2). Shared by the GraphQL
/// and portal tests of the board, so the server starts once.
/// </summary>
public sealed class GovernanceBoardFixture : IAsyncLifetime
{
    public const string Password = "governance test passphrase";

    public static readonly TimeSpan Delay = TimeSpan.FromHours(1);

    private readonly SigningKey[] _members = [SigningKey.Generate(), SigningKey.Generate(), SigningKey.Generate()];

    public ProvisioningHarness Harness { get; private set; } = null!;

    public IReadOnlyList<string> Members => [.. _members.Select(m => m.Address)];

    /// <summary>The address the pending proposal gives the operational roles.</summary>
    public string ControlPlaneKey { get; } = "0x" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "c0ffee01";

    /// <summary>The failover, queued in the timelock.</summary>
    public string Queued { get; private set; } = null!;

    /// <summary>The new control plane key, pending with one approval.</summary>
    public string Pending { get; private set; } = null!;

    /// <summary>When the queued proposal was queued (the chain's clock follows the wall clock).</summary>
    public DateTimeOffset QueuedAt { get; private set; }

    /// <summary>A person with no platform role beyond reading the audit log, to sign in to the portal.</summary>
    public string Auditor { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Harness = await ProvisioningHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Ledger:Board:Members:0"] = _members[0].Address,
            ["Ledger:Board:Members:1"] = _members[1].Address,
            ["Ledger:Board:Members:2"] = _members[2].Address,
            ["Ledger:Board:Threshold"] = "2",
            ["Ledger:Board:EmergencyThreshold"] = "1",
            ["Ledger:Board:Delay"] = Delay.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        });

        var connection = Harness.Server.Services.GetRequiredService<LedgerRuntime>().Connection;
        var board = connection.Board!;
        foreach (var key in _members)
        {
            await connection.Rpc.CallAsync("anvil_setBalance", CancellationToken.None, key.Address, "0x56BC75E2D63100000");
        }

        // The members' own acts, each a transaction signed with the member's key (the portal and the server sign none).
        var first = new BoardMember(connection.Rpc, connection.ChainId, _members[0], board.Board);
        var second = new BoardMember(connection.Rpc, connection.ChainId, _members[1], board.Board);
        var contracts = new GovernedContracts(board.Board, connection.AuditAnchorAddress, connection.ResourceRegistryAddress, connection.IdentityRegistryAddress);

        var (queued, _) = await first.ProposeAsync([Call(BoardDecisions.Failover(contracts, "edge-001", "edge-002"))], "Fail edge-001 over to edge-002", CancellationToken.None);
        await second.ApproveAsync(queued, CancellationToken.None);
        QueuedAt = DateTimeOffset.UtcNow;
        var (pending, _) = await first.ProposeAsync([.. BoardDecisions.AddControlPlane(contracts, ControlPlaneKey).Select(Call)], "A control plane for another region", CancellationToken.None);
        (Queued, Pending) = ("0x" + Convert.ToHexStringLower(queued), "0x" + Convert.ToHexStringLower(pending));

        Auditor = (await TestIdentities.UserAsync(Harness.Server, "auditor", Password)).UserName;
    }

    public async Task DisposeAsync()
    {
        await Harness.DisposeAsync();
        foreach (var key in _members)
        {
            key.Dispose();
        }
    }

    private static BoardCall Call((string Target, string Calldata) call) => new(call.Target, Convert.FromHexString(call.Calldata[2..]));
}

/// <summary>The tests that share <see cref="GovernanceBoardFixture"/>'s server.</summary>
[CollectionDefinition(Name)]
public sealed class GovernanceBoardCollection : ICollectionFixture<GovernanceBoardFixture>
{
    public const string Name = "Governance board";
}
