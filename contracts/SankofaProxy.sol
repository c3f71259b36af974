// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/// @title SankofaProxy
/// @notice OpenZeppelin's ERC1967Proxy, unchanged, under a name of this project so it is compiled with the others:
///         AuditAnchor, ResourceRegistry, IdentityRegistry and SankofaBilling each live behind one. The implementation's address is in
///         the ERC-1967 slot (cast storage PROXY 0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc) and
///         every change of it emits Upgraded(implementation).
contract SankofaProxy is ERC1967Proxy {
    /// @param implementation The first implementation.
    /// @param data The initialize call, run in the proxy's storage.
    constructor(address implementation, bytes memory data) payable ERC1967Proxy(implementation, data) {}
}
