// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ResourceRegistry} from "../ResourceRegistry.sol";

/// @title ResourceRegistryV2
/// @notice Test only: a later ResourceRegistry, to upgrade a deployed one to in the governance tests and check its
///         state survives. Adds one function and nothing else.
contract ResourceRegistryV2 is ResourceRegistry {
    /// @notice The implementation's version.
    function version() external pure returns (uint256) {
        return 2;
    }
}
