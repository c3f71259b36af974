using Sankofa.Core.Ledger;
using Sankofa.Ledger.Governance;
using Sankofa.Server.Ledger;
using Sankofa.Server.Portal;

namespace Sankofa.Server.Tests.Ledger;

/// <summary>How the portal reads a proposal's calls (the bytes <c>sankofa gov propose</c> makes) and its timelock countdown.</summary>
public sealed class GovernanceCallReadingTests
{
    private const string Registry = "0x1111111111111111111111111111111111111111", Anchor = "0x2222222222222222222222222222222222222222",
        Identities = "0x3333333333333333333333333333333333333333", Board = "0x4444444444444444444444444444444444444444",
        Timelock = "0x5555555555555555555555555555555555555555", Member = "0x00000000000000000000000000000000000000aa";

    private static readonly GovernedContracts Contracts = new(Board, Anchor, Registry, Identities);

    private static readonly BoardCallReader Reader = new(
        new LedgerStatus("http://chain", 31337, 1, Anchor, Registry, "0x9999999999999999999999999999999999999999", true, Identities, Board, Timelock),
        ["edge-001", "core-001", "core-002"]);

    public static TheoryData<string, string, string> Decisions() => new()
    {
        { Call(BoardDecisions.Failover(Contracts, "core-001", "core-002")), "ResourceRegistry", "failover(site = core-001, to = core-002)" },
        { Call(BoardDecisions.Restore(Contracts, "core-001")), "ResourceRegistry", "restore(site = core-001)" },
        { Call(BoardDecisions.RevokeSiteKey(Contracts, "edge-001")), "ResourceRegistry", "revokeSiteKey(site = edge-001)" },
        { Call(BoardDecisions.SetSiteKey(Contracts, "edge-001", Member, "0x" + new string('a', 130))), "ResourceRegistry", $"setSiteKey(site = edge-001, key = {Member}, proof = 0x{new string('a', 130)})" },
        { Call(BoardDecisions.Upgrade(Anchor, Registry)), "AuditAnchor", $"upgradeToAndCall(implementation = {Registry} (ResourceRegistry), data = 0x)" },
        { Call(BoardDecisions.AddControlPlane(Contracts, Member)[1]), "AuditAnchor", $"grantRole(role = ANCHORER_ROLE, account = {Member})" },
        { Call(BoardDecisions.RemoveControlPlane(Contracts, Member)[2]), "IdentityRegistry", $"revokeRole(role = REGISTRAR_ROLE, account = {Member})" },
        { Call(BoardDecisions.AddMember(Contracts, Member)), "SankofaBoard", $"addMember(member = {Member})" },
        { Call(BoardDecisions.RemoveMember(Contracts, Member)), "SankofaBoard", $"removeMember(member = {Member})" },
        { Call(BoardDecisions.SetThresholds(Contracts, 3, 2)), "SankofaBoard", "setThresholds(threshold = 3, emergencyThreshold = 2)" },
        { $"{Registry}|{BoardClient.UnpauseCalldata}", "ResourceRegistry", "unpause()" },
        { $"{Anchor}|0x8456cb59", "AuditAnchor", "pause()" },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void Each_decision_the_cli_proposes_is_named_by_contract_and_decoded_with_sites_and_roles_by_name(string call, string contract, string function)
    {
        var (target, calldata) = (call.Split('|')[0], call.Split('|')[1]);

        var read = Reader.Read(new GovernanceCall(target, calldata));

        Assert.Equal((contract, function, calldata), (read.TargetName, read.Function, read.Calldata));
    }

    [Theory]
    [InlineData("0x12345678")] // a selector none of the board's decisions has
    [InlineData("0x8456cb")] // shorter than a selector
    [InlineData("0xzz")]
    public void Anything_else_is_shown_as_it_is_and_not_guessed_at(string calldata)
    {
        var read = Reader.Read(new GovernanceCall("0x6666666666666666666666666666666666666666", calldata));

        Assert.Equal((null, null, calldata), (read.TargetName, read.Function, read.Calldata));
    }

    [Fact]
    public void A_known_selector_whose_arguments_do_not_fit_is_shown_as_it_is()
    {
        var restore = BoardDecisions.Restore(Contracts, "core-001").Calldata;
        var upgrade = BoardDecisions.Upgrade(Anchor, Registry).Calldata;

        Assert.Null(Reader.Read(new GovernanceCall(Registry, restore[..10])).Function); // no site
        Assert.Null(Reader.Read(new GovernanceCall(Anchor, upgrade[..^64] + new string('f', 64))).Function); // the bytes' length past the end
        Assert.Equal("restore(site = 0x" + new string('0', 63) + "1)", Reader.Read(new GovernanceCall(Registry, restore[..10] + new string('0', 63) + "1")).Function);
    }

    [Theory]
    [InlineData(3600, "runs in 1 h")]
    [InlineData(3599, "runs in 1 h")]
    [InlineData(3540, "runs in 59 min")]
    [InlineData(720, "runs in 12 min")]
    [InlineData(7260, "runs in 2 h 1 min")]
    [InlineData(7200, "runs in 2 h")]
    [InlineData(2 * 86400 + 3600, "runs in 2 d 1 h")]
    [InlineData(42, "runs in 42 s")]
    [InlineData(0, "ready to execute")]
    [InlineData(-5, "ready to execute")]
    public void The_timelock_countdown_reads_as_the_wait_rounded_up(int seconds, string text)
    {
        var now = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(text, TimelockCountdown.Describe(now.AddSeconds(seconds), now));
    }

    private static string Call((string Target, string Calldata) call) => $"{call.Target}|{call.Calldata}";
}
