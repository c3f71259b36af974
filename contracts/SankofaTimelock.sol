// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title SankofaTimelock
/// @notice OpenZeppelin's TimelockController as deployed for Sankofa's board: the board (SankofaBoard) is its only
///         proposer and canceller, anyone may execute a ready batch, and it administers itself. It holds the admin role
///         of every governed contract, so every change waits out `getMinDelay()` after the board decided it.
/// @dev Deployed with the deployer as a temporary admin, which grants the board its roles and renounces (the board needs
///      the timelock's address first). Nothing is added to OpenZeppelin's contract.
contract SankofaTimelock is TimelockController {
    /// @param minDelay Seconds a decided batch waits before it can run.
    /// @param proposers Addresses allowed to schedule and cancel (the board, once deployed).
    /// @param executors Addresses allowed to execute; address(0) lets anyone.
    /// @param admin Temporary admin (the deployer), or address(0) for none.
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
