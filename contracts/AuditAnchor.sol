// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

/// @title AuditAnchor
/// @notice Records the Merkle roots of Sankofa audit-log batches so anyone can check the log was not rewritten.
/// @dev Only hashes and counters are stored, never audit content. Anchoring is idempotent per batch id so the
///      control plane can re-send after a crash or a lost receipt without recording anything twice.
///      Deployed behind an ERC-1967 proxy (UUPS), upgradeable only by DEFAULT_ADMIN_ROLE (the board's timelock once governed).
contract AuditAnchor is AccessControlUpgradeable, PausableUpgradeable, UUPSUpgradeable {
    /// @notice Role allowed to record batch roots (the control plane's signing key).
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");

    /// @notice Role allowed to pause and resume anchoring.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @notice What the chain holds for one batch.
    struct Batch {
        bytes32 root;
        uint64 firstSequence;
        uint32 count;
        uint64 blockNumber;
    }

    mapping(uint64 batchId => Batch) private _batches;

    /// @notice Emitted once per batch, when its root is first recorded.
    event Anchored(uint64 indexed batchId, bytes32 root, uint64 firstSequence, uint32 count);

    /// @notice A batch already holds a different root: the audit log disagrees with the chain.
    error RootMismatch(uint64 batchId, bytes32 existingRoot, bytes32 newRoot);

    /// @notice A zero root is never a valid Merkle root and would read back as "absent".
    error ZeroRoot(uint64 batchId);

    /// @notice The arrays given to anchorMany differ in length.
    error LengthMismatch();

    /// @dev The implementation itself is never initialised: only the proxy's storage holds roles.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Called once, by the proxy's constructor.
    /// @param admin Receives the admin, anchorer and pauser roles.
    function initialize(address admin) external initializer {
        __AccessControl_init();
        __Pausable_init();
        __UUPSUpgradeable_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(ANCHORER_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
    }

    /// @notice Records one batch root; a repeat with the same root is a no-op.
    function anchor(uint64 batchId, bytes32 root, uint64 firstSequence, uint32 count)
        external
        onlyRole(ANCHORER_ROLE)
        whenNotPaused
    {
        _anchor(batchId, root, firstSequence, count);
    }

    /// @notice Records several batch roots in one transaction; repeats with the same root are skipped.
    function anchorMany(
        uint64[] calldata batchIds,
        bytes32[] calldata roots,
        uint64[] calldata firstSequences,
        uint32[] calldata counts
    ) external onlyRole(ANCHORER_ROLE) whenNotPaused {
        uint256 n = batchIds.length;
        if (roots.length != n || firstSequences.length != n || counts.length != n) revert LengthMismatch();
        for (uint256 i = 0; i < n; ++i) {
            _anchor(batchIds[i], roots[i], firstSequences[i], counts[i]);
        }
    }

    /// @notice The root recorded for a batch, or zero when absent.
    function rootOf(uint64 batchId) external view returns (bytes32) {
        return _batches[batchId].root;
    }

    /// @notice The full record of a batch; blockNumber is zero when absent.
    function batchOf(uint64 batchId) external view returns (Batch memory) {
        return _batches[batchId];
    }

    /// @notice The records of several batches, in order; absent batches have a zero root.
    function rootsOf(uint64[] calldata batchIds) external view returns (Batch[] memory result) {
        result = new Batch[](batchIds.length);
        for (uint256 i = 0; i < batchIds.length; ++i) {
            result[i] = _batches[batchIds[i]];
        }
    }

    /// @notice Stops anchoring (for example while investigating a mismatch).
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @notice Resumes anchoring.
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    function _anchor(uint64 batchId, bytes32 root, uint64 firstSequence, uint32 count) private {
        if (root == bytes32(0)) revert ZeroRoot(batchId);
        Batch storage existing = _batches[batchId];
        if (existing.root != bytes32(0)) {
            // Same root: a re-send after a lost receipt. Recording it again would emit a second event.
            if (existing.root == root) return;
            revert RootMismatch(batchId, existing.root, root);
        }
        _batches[batchId] = Batch(root, firstSequence, count, uint64(block.number));
        emit Anchored(batchId, root, firstSequence, count);
    }

    /// @dev Only the admin upgrades: the board's timelock once governed, so an upgrade waits out its delay.
    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}
}
