using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Sankofa.Ledger.Governance;

// SankofaBoard's and the timelock's functions as Nethereum messages (contracts/SankofaBoard.sol, SankofaTimelock.sol).

[Function("propose", "bytes32")]
internal sealed class ProposeFunction : FunctionMessage
{
    [Parameter("address[]", "targets", 1)] public List<string> Targets { get; set; } = [];
    [Parameter("uint256[]", "values", 2)] public List<BigInteger> Values { get; set; } = [];
    [Parameter("bytes[]", "payloads", 3)] public List<byte[]> Payloads { get; set; } = [];
    [Parameter("string", "description", 4)] public string Description { get; set; } = string.Empty;
}

[Function("hashProposal", "bytes32")]
internal sealed class HashProposalFunction : FunctionMessage
{
    [Parameter("address[]", "targets", 1)] public List<string> Targets { get; set; } = [];
    [Parameter("uint256[]", "values", 2)] public List<BigInteger> Values { get; set; } = [];
    [Parameter("bytes[]", "payloads", 3)] public List<byte[]> Payloads { get; set; } = [];
    [Parameter("bytes32", "descriptionHash", 4)] public byte[] DescriptionHash { get; set; } = [];
}

[Function("approve")]
internal sealed class ApproveFunction : FunctionMessage
{
    [Parameter("bytes32", "proposalId", 1)] public byte[] ProposalId { get; set; } = [];
}

[Function("execute")]
internal sealed class ExecuteFunction : FunctionMessage
{
    [Parameter("bytes32", "proposalId", 1)] public byte[] ProposalId { get; set; } = [];
}

[Function("cancel")]
internal sealed class CancelFunction : FunctionMessage
{
    [Parameter("bytes32", "proposalId", 1)] public byte[] ProposalId { get; set; } = [];
}

[Function("emergencyPause")]
internal sealed class EmergencyPauseFunction : FunctionMessage
{
    [Parameter("address", "target", 1)] public string Target { get; set; } = string.Empty;
}

[Function("addMember")]
internal sealed class AddMemberFunction : FunctionMessage
{
    [Parameter("address", "member", 1)] public string Member { get; set; } = string.Empty;
}

[Function("removeMember")]
internal sealed class RemoveMemberFunction : FunctionMessage
{
    [Parameter("address", "member", 1)] public string Member { get; set; } = string.Empty;
}

[Function("setThresholds")]
internal sealed class SetThresholdsFunction : FunctionMessage
{
    [Parameter("uint32", "threshold_", 1)] public uint Threshold { get; set; }
    [Parameter("uint32", "emergencyThreshold_", 2)] public uint EmergencyThreshold { get; set; }
}

[Function("members", "address[]")]
internal sealed class MembersFunction : FunctionMessage;

[FunctionOutput]
internal sealed class MembersOutput : IFunctionOutputDTO
{
    [Parameter("address[]", "", 1)] public List<string> Members { get; set; } = [];
}

[Function("threshold", "uint32")]
internal sealed class ThresholdFunction : FunctionMessage;

[Function("emergencyThreshold", "uint32")]
internal sealed class EmergencyThresholdFunction : FunctionMessage;

[Function("proposalOf")]
internal sealed class ProposalOfFunction : FunctionMessage
{
    [Parameter("bytes32", "proposalId", 1)] public byte[] ProposalId { get; set; } = [];
}

[FunctionOutput]
internal sealed class ProposalOfOutput : IFunctionOutputDTO
{
    [Parameter("address", "proposer", 1)] public string Proposer { get; set; } = string.Empty;
    [Parameter("uint8", "state", 2)] public byte State { get; set; }
    [Parameter("uint32", "approvals", 3)] public uint Approvals { get; set; }
    [Parameter("address[]", "targets", 4)] public List<string> Targets { get; set; } = [];
    [Parameter("uint256[]", "values", 5)] public List<BigInteger> Values { get; set; } = [];
    [Parameter("bytes[]", "payloads", 6)] public List<byte[]> Payloads { get; set; } = [];
}

[Function("operationId", "bytes32")]
internal sealed class OperationIdFunction : FunctionMessage
{
    [Parameter("bytes32", "proposalId", 1)] public byte[] ProposalId { get; set; } = [];
}

[Function("getTimestamp", "uint256")]
internal sealed class GetTimestampFunction : FunctionMessage
{
    [Parameter("bytes32", "id", 1)] public byte[] Id { get; set; } = [];
}

// grantRole and hasRole are the AccessControl functions of Contracts/ (GrantRoleFunction, HasRoleFunction).

[Function("pause")]
internal sealed class PauseFunction : FunctionMessage;

[Function("unpause")]
internal sealed class UnpauseFunction : FunctionMessage;

[Function("paused", "bool")]
internal sealed class PausedFunction : FunctionMessage;

[Function("renounceRole")]
internal sealed class RenounceRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "role", 1)] public byte[] Role { get; set; } = [];
    [Parameter("address", "callerConfirmation", 2)] public string CallerConfirmation { get; set; } = string.Empty;
}
