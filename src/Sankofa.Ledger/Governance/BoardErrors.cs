using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Governance;

/// <summary>The custom errors a board call can revert with (the board's own, the timelock's, a governed contract's).</summary>
internal static class BoardErrors
{
    private static readonly IReadOnlyDictionary<string, CustomError> Known = new CustomError[]
    {
        new("NotMember", ["address"], "the sender is not a member of the board"),
        new("OnlyTimelock", ["address"], "only a decided proposal (the timelock) may do this"),
        new("WrongState", ["bytes32", "uint8"], "the proposal is not in a state that allows this (1 pending, 2 queued, 3 executed, 4 cancelled)"),
        new("AlreadyApproved", ["bytes32", "address"], "the member approved this proposal already"),
        new("AlreadyVoted", ["address", "address"], "the member voted for this pause already"),
        new("AlreadyProposed", ["bytes32"], "a proposal with the same calls and description exists"),
        new("BadBatch", [], "targets, values and payloads differ in length, or the batch is empty"),
        new("BadThresholds", ["uint32", "uint32", "uint256"], "thresholds must satisfy 1 <= emergency <= threshold <= members"),
        new("BadMember", ["address"], "the address is a member already, or not one"),
        new("TimelockUnexpectedOperationState", ["bytes32", "bytes32"], "the timelock's operation is not ready (its delay has not passed) or not pending"),
        new("TimelockInsufficientDelay", ["uint256", "uint256"], "the delay is shorter than the timelock's minimum"),
        new("TimelockUnauthorizedCaller", ["address"], "the timelock refuses the caller"),
        new("AccessControlUnauthorizedAccount", ["address", "bytes32"], "the account lacks the role"),
        new("EnforcedPause", [], "the contract is paused"),
        new("ExpectedPause", [], "the contract is not paused"),
    }.ToDictionary(e => e.Selector, StringComparer.Ordinal);

    /// <summary>"Name(args), meaning" for a known error, else the node's message.</summary>
    public static string Describe(JsonRpcException revert) => RevertReason.Decode(Known, revert)?.Text ?? revert.Message;
}
