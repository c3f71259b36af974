// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/// @title SankofaBoard
/// @notice The governance board: k of n members decide every change to Sankofa's contracts. A member proposes a batch
///         of calls; members approve it with their own keys (their own transactions); with k approvals the batch is
///         scheduled in the timelock and runs after its delay, by anyone's `execute`. A member may cancel a proposal
///         before it runs. Membership and thresholds change only by proposal (the timelock calls this contract).
///         An emergency pause needs fewer approvals (the emergency threshold) and takes effect at once, without the
///         timelock; unpausing is an ordinary proposal.
/// @dev The timelock (OpenZeppelin's TimelockController) holds the admin role of every governed contract and is the
///      only proposer and canceller it knows: this board. Executors are open (anyone may run a batch that is ready).
///      The board itself holds only the pauser role of each governed contract, for emergency pauses.
contract SankofaBoard {
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @notice Where a proposal stands.
    enum State {
        None,
        Pending,
        Queued,
        Executed,
        Cancelled
    }

    /// @notice A batch of calls the board decides on.
    struct Proposal {
        address proposer;
        State state;
        uint32 approvals;
        bytes32 descriptionHash;
        address[] targets;
        uint256[] values;
        bytes[] payloads;
    }

    /// @notice The timelock that runs decided batches after their delay.
    TimelockController public immutable timelock;

    EnumerableSet.AddressSet private _members;

    /// @notice Approvals a proposal needs to be scheduled (k).
    uint32 public threshold;

    /// @notice Approvals an emergency pause needs (at most k).
    uint32 public emergencyThreshold;

    mapping(bytes32 proposalId => Proposal) private _proposals;
    mapping(bytes32 proposalId => mapping(address member => bool)) private _approved;
    mapping(address target => uint64) private _pauseRound;
    mapping(address target => mapping(uint64 round => mapping(address member => bool))) private _pauseApproved;
    mapping(address target => mapping(uint64 round => uint32)) private _pauseApprovals;

    /// @notice A member proposed a batch (their proposal counts as their approval).
    event Proposed(bytes32 indexed proposalId, address indexed proposer, address[] targets, uint256[] values, bytes[] payloads, string description);
    /// @notice A member approved a proposal.
    event Approved(bytes32 indexed proposalId, address indexed member, uint32 approvals);
    /// @notice The proposal reached the threshold and waits in the timelock until `readyAt`.
    event Queued(bytes32 indexed proposalId, bytes32 operationId, uint256 readyAt);
    /// @notice The proposal's calls ran.
    event Executed(bytes32 indexed proposalId);
    /// @notice A member cancelled the proposal.
    event Cancelled(bytes32 indexed proposalId, address indexed member);
    /// @notice A member asked for an emergency pause of a contract.
    event PauseApproved(address indexed target, address indexed member, uint32 approvals);
    /// @notice The emergency threshold was reached: the contract is paused.
    event EmergencyPaused(address indexed target);
    /// @notice Membership or thresholds changed (by a proposal).
    event MemberAdded(address indexed member);
    /// @notice A member left (by a proposal).
    event MemberRemoved(address indexed member);
    /// @notice The thresholds changed (by a proposal).
    event ThresholdsSet(uint32 threshold, uint32 emergencyThreshold);

    /// @notice The caller is not a member.
    error NotMember(address caller);
    /// @notice Only the timelock, running a decided proposal, may do this.
    error OnlyTimelock(address caller);
    /// @notice The proposal is not in a state that allows this.
    error WrongState(bytes32 proposalId, State state);
    /// @notice The member approved already.
    error AlreadyApproved(bytes32 proposalId, address member);
    /// @notice The member voted for this pause already.
    error AlreadyVoted(address target, address member);
    /// @notice A proposal with the same calls and description exists.
    error AlreadyProposed(bytes32 proposalId);
    /// @notice Targets, values and payloads differ in length, or the batch is empty.
    error BadBatch();
    /// @notice Thresholds must satisfy 1 <= emergency <= threshold <= members.
    error BadThresholds(uint32 threshold, uint32 emergencyThreshold, uint256 members);
    /// @notice The address is a member already, or not one.
    error BadMember(address member);

    modifier onlyMember() {
        if (!_members.contains(msg.sender)) revert NotMember(msg.sender);
        _;
    }

    modifier onlyTimelock() {
        if (msg.sender != address(timelock)) revert OnlyTimelock(msg.sender);
        _;
    }

    /// @param timelock_ The timelock this board proposes to (its proposer and canceller role is this board's).
    /// @param members_ The first members.
    /// @param threshold_ Approvals a proposal needs.
    /// @param emergencyThreshold_ Approvals an emergency pause needs.
    constructor(TimelockController timelock_, address[] memory members_, uint32 threshold_, uint32 emergencyThreshold_) {
        timelock = timelock_;
        for (uint256 i = 0; i < members_.length; i++) {
            if (members_[i] == address(0) || !_members.add(members_[i])) revert BadMember(members_[i]);
            emit MemberAdded(members_[i]);
        }
        _setThresholds(threshold_, emergencyThreshold_);
    }

    /// @notice Proposes a batch of calls, which the timelock makes after k approvals and its delay. The proposer's
    ///         approval is counted. The id is keccak256(abi.encode(targets, values, payloads, keccak256(description))).
    function propose(address[] calldata targets, uint256[] calldata values, bytes[] calldata payloads, string calldata description)
        external
        onlyMember
        returns (bytes32 proposalId)
    {
        if (targets.length == 0 || targets.length != values.length || targets.length != payloads.length) revert BadBatch();
        bytes32 descriptionHash = keccak256(bytes(description));
        proposalId = hashProposal(targets, values, payloads, descriptionHash);
        Proposal storage p = _proposals[proposalId];
        if (p.state != State.None) revert AlreadyProposed(proposalId);
        p.proposer = msg.sender;
        p.state = State.Pending;
        p.descriptionHash = descriptionHash;
        p.targets = targets;
        p.values = values;
        for (uint256 i = 0; i < payloads.length; i++) {
            p.payloads.push(payloads[i]); // bytes[] calldata cannot be copied to storage in one assignment
        }
        emit Proposed(proposalId, msg.sender, targets, values, payloads, description);
        _approve(proposalId, p);
    }

    /// @notice A member's approval; the k-th schedules the batch in the timelock.
    function approve(bytes32 proposalId) external onlyMember {
        Proposal storage p = _proposals[proposalId];
        if (p.state != State.Pending) revert WrongState(proposalId, p.state);
        _approve(proposalId, p);
    }

    /// @notice Runs a queued proposal once the timelock's delay has passed. Anyone may call it.
    function execute(bytes32 proposalId) external payable {
        Proposal storage p = _proposals[proposalId];
        if (p.state != State.Queued) revert WrongState(proposalId, p.state);
        p.state = State.Executed;
        timelock.executeBatch{value: msg.value}(p.targets, p.values, p.payloads, bytes32(0), p.descriptionHash);
        emit Executed(proposalId);
    }

    /// @notice Cancels a proposal that has not run (pending, or queued in the timelock).
    function cancel(bytes32 proposalId) external onlyMember {
        Proposal storage p = _proposals[proposalId];
        if (p.state != State.Pending && p.state != State.Queued) revert WrongState(proposalId, p.state);
        if (p.state == State.Queued) {
            timelock.cancel(operationId(proposalId));
        }
        p.state = State.Cancelled;
        emit Cancelled(proposalId, msg.sender);
    }

    /// @notice A member's vote to pause `target` at once; at the emergency threshold the board calls `target.pause()`
    ///         (it holds the target's pauser role). Votes count toward the target's next pause only: a pause resets them.
    function emergencyPause(address target) external onlyMember {
        uint64 round = _pauseRound[target];
        if (_pauseApproved[target][round][msg.sender]) revert AlreadyVoted(target, msg.sender);
        _pauseApproved[target][round][msg.sender] = true;
        uint32 approvals = ++_pauseApprovals[target][round];
        emit PauseApproved(target, msg.sender, approvals);
        if (approvals >= emergencyThreshold) {
            _pauseRound[target] = round + 1;
            IPausable(target).pause();
            emit EmergencyPaused(target);
        }
    }

    /// @notice Adds a member (only by a decided proposal).
    function addMember(address member) external onlyTimelock {
        if (member == address(0) || !_members.add(member)) revert BadMember(member);
        emit MemberAdded(member);
    }

    /// @notice Removes a member (only by a decided proposal); the thresholds must still be reachable.
    function removeMember(address member) external onlyTimelock {
        if (!_members.remove(member)) revert BadMember(member);
        if (threshold > _members.length()) revert BadThresholds(threshold, emergencyThreshold, _members.length());
        emit MemberRemoved(member);
    }

    /// @notice Sets both thresholds (only by a decided proposal).
    function setThresholds(uint32 threshold_, uint32 emergencyThreshold_) external onlyTimelock {
        _setThresholds(threshold_, emergencyThreshold_);
    }

    /// @notice The members, in no particular order.
    function members() external view returns (address[] memory) {
        return _members.values();
    }

    /// @notice Whether `account` is a member.
    function isMember(address account) external view returns (bool) {
        return _members.contains(account);
    }

    /// @notice A proposal's proposer, state, approvals and calls.
    function proposalOf(bytes32 proposalId)
        external
        view
        returns (address proposer, State state, uint32 approvals, address[] memory targets, uint256[] memory values, bytes[] memory payloads)
    {
        Proposal storage p = _proposals[proposalId];
        return (p.proposer, p.state, p.approvals, p.targets, p.values, p.payloads);
    }

    /// @notice Whether `member` approved the proposal.
    function hasApproved(bytes32 proposalId, address member) external view returns (bool) {
        return _approved[proposalId][member];
    }

    /// @notice The id of a proposal with these calls and description hash.
    function hashProposal(address[] calldata targets, uint256[] calldata values, bytes[] calldata payloads, bytes32 descriptionHash)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(targets, values, payloads, descriptionHash));
    }

    /// @notice The timelock's operation id of a proposal (its batch, no predecessor, the description hash as salt).
    function operationId(bytes32 proposalId) public view returns (bytes32) {
        Proposal storage p = _proposals[proposalId];
        return timelock.hashOperationBatch(p.targets, p.values, p.payloads, bytes32(0), p.descriptionHash);
    }

    function _approve(bytes32 proposalId, Proposal storage p) private {
        if (_approved[proposalId][msg.sender]) revert AlreadyApproved(proposalId, msg.sender);
        _approved[proposalId][msg.sender] = true;
        p.approvals += 1;
        emit Approved(proposalId, msg.sender, p.approvals);
        if (p.approvals >= threshold) {
            p.state = State.Queued;
            uint256 delay = timelock.getMinDelay();
            timelock.scheduleBatch(p.targets, p.values, p.payloads, bytes32(0), p.descriptionHash, delay);
            emit Queued(proposalId, operationId(proposalId), block.timestamp + delay);
        }
    }

    function _setThresholds(uint32 threshold_, uint32 emergencyThreshold_) private {
        uint256 n = _members.length();
        if (emergencyThreshold_ == 0 || emergencyThreshold_ > threshold_ || threshold_ > n) revert BadThresholds(threshold_, emergencyThreshold_, n);
        threshold = threshold_;
        emergencyThreshold = emergencyThreshold_;
        emit ThresholdsSet(threshold_, emergencyThreshold_);
    }
}

/// @notice What a governed contract exposes for an emergency pause.
interface IPausable {
    function pause() external;
}
