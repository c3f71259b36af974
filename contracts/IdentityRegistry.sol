// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {MulticallUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/MulticallUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

/// @title IdentityRegistry
/// @notice Who may act on Sankofa, as every control plane sharing this chain sees it: per identity, a salted hash of
///         its subject, the Ethereum address that controls it (its did:ethr), a status and its role grants.
/// @dev No personal data: the subject is stored only as a hash salted off chain, ids are keccak-256 hashes of the
///      control plane's identity ids, roles and scopes hashes of their names and tenant ids. Every change is idempotent
///      (a repeat with the same values is a no-op without an event) so a control plane can re-send after a crash; a
///      repeat with other values reverts. Revocation is terminal, and a revoked identity keeps its controller, so the
///      address can never be bound to another identity and credentials issued to it never verify again.
///      Multicall lets a registrar record several changes in one transaction; its self-delegatecall keeps msg.sender,
///      so the role checks apply to each call as if sent alone.
///      Deployed behind an ERC-1967 proxy (UUPS), upgradeable only by DEFAULT_ADMIN_ROLE (the board's timelock once governed).
contract IdentityRegistry is AccessControlUpgradeable, MulticallUpgradeable, UUPSUpgradeable {
    /// @notice Role of the control planes' signing keys: registers identities, changes their status and role grants.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @notice Identity statuses; only Active grants access.
    enum Status {
        None,
        Active,
        Suspended,
        Revoked
    }

    /// @notice What the chain holds for one identity (two storage slots).
    struct Identity {
        bytes32 subjectHash;
        address controller;
        Status status;
        uint64 updatedBlock;
    }

    /// @notice A role within a scope (a tenant's id hash, or zero for platform-wide).
    struct RoleGrant {
        bytes32 role;
        bytes32 scope;
    }

    mapping(bytes32 id => Identity) private _identities;
    mapping(address controller => bytes32 id) private _byController;
    mapping(bytes32 id => RoleGrant[]) private _grants;
    // 1 + the grant's index in _grants[id], keyed by keccak256(role, scope); 0 when not granted.
    mapping(bytes32 id => mapping(bytes32 grant => uint256)) private _grantSlots;

    /// @notice An identity was registered, Active, bound to its controller.
    event Registered(bytes32 indexed id, address indexed controller, bytes32 subjectHash);
    /// @notice An Active identity was suspended.
    event Suspended(bytes32 indexed id);
    /// @notice A suspended identity is Active again.
    event Reinstated(bytes32 indexed id);
    /// @notice The identity was revoked, for good.
    event Revoked(bytes32 indexed id);
    /// @notice The identity was granted a role within a scope.
    event IdentityRoleGranted(bytes32 indexed id, bytes32 indexed role, bytes32 indexed scope);
    /// @notice The identity lost a role within a scope.
    event IdentityRoleRevoked(bytes32 indexed id, bytes32 indexed role, bytes32 indexed scope);

    /// @notice A zero id, subject hash, controller or role.
    error ZeroValue();
    /// @notice The identity was never registered.
    error UnknownIdentity(bytes32 id);
    /// @notice The identity is registered with another subject hash or controller.
    error AlreadyRegistered(bytes32 id);
    /// @notice The controller address already belongs to another identity.
    error ControllerInUse(address controller, bytes32 identity);
    /// @notice The identity is revoked: it can never change again nor be registered anew.
    error IdentityRevoked(bytes32 id);

    /// @dev The implementation itself is never initialised: only the proxy's storage holds roles.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Called once, by the proxy's constructor.
    /// @param admin Receives the admin and registrar roles; the admin grants REGISTRAR_ROLE to other control planes' keys.
    function initialize(address admin) external initializer {
        __AccessControl_init();
        __Multicall_init();
        __UUPSUpgradeable_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(REGISTRAR_ROLE, admin);
    }

    /// @notice Registers an identity as Active, bound to its controller.
    function register(bytes32 id, bytes32 subjectHash, address controller) external onlyRole(REGISTRAR_ROLE) {
        if (id == bytes32(0) || subjectHash == bytes32(0) || controller == address(0)) revert ZeroValue();
        Identity storage identity = _identities[id];
        if (identity.status == Status.Revoked) revert IdentityRevoked(id);
        if (identity.status != Status.None) {
            if (identity.subjectHash == subjectHash && identity.controller == controller) return;
            revert AlreadyRegistered(id);
        }
        bytes32 owner = _byController[controller];
        if (owner != bytes32(0)) revert ControllerInUse(controller, owner);
        identity.subjectHash = subjectHash;
        identity.controller = controller;
        identity.status = Status.Active;
        identity.updatedBlock = uint64(block.number);
        _byController[controller] = id;
        emit Registered(id, controller, subjectHash);
    }

    /// @notice Suspends an Active identity; it keeps its role grants for when it is reinstated.
    function suspend(bytes32 id) external onlyRole(REGISTRAR_ROLE) {
        Identity storage identity = _existing(id);
        if (identity.status == Status.Suspended) return;
        if (identity.status == Status.Revoked) revert IdentityRevoked(id);
        _setStatus(identity, Status.Suspended);
        emit Suspended(id);
    }

    /// @notice Makes a suspended identity Active again.
    function reinstate(bytes32 id) external onlyRole(REGISTRAR_ROLE) {
        Identity storage identity = _existing(id);
        if (identity.status == Status.Active) return;
        if (identity.status == Status.Revoked) revert IdentityRevoked(id);
        _setStatus(identity, Status.Active);
        emit Reinstated(id);
    }

    /// @notice Revokes an Active or suspended identity, for good.
    function revoke(bytes32 id) external onlyRole(REGISTRAR_ROLE) {
        Identity storage identity = _existing(id);
        if (identity.status == Status.Revoked) return;
        _setStatus(identity, Status.Revoked);
        emit Revoked(id);
    }

    /// @notice Grants the identity a role within a scope (zero scope: platform-wide).
    function grantIdentityRole(bytes32 id, bytes32 role, bytes32 scope) external onlyRole(REGISTRAR_ROLE) {
        if (role == bytes32(0)) revert ZeroValue();
        Identity storage identity = _existing(id);
        if (identity.status == Status.Revoked) revert IdentityRevoked(id);
        bytes32 key = _grantKey(role, scope);
        if (_grantSlots[id][key] != 0) return;
        _grants[id].push(RoleGrant(role, scope));
        _grantSlots[id][key] = _grants[id].length;
        identity.updatedBlock = uint64(block.number);
        emit IdentityRoleGranted(id, role, scope);
    }

    /// @notice Takes a role within a scope from the identity; allowed in any status, taking access away is always safe.
    function revokeIdentityRole(bytes32 id, bytes32 role, bytes32 scope) external onlyRole(REGISTRAR_ROLE) {
        if (role == bytes32(0)) revert ZeroValue();
        Identity storage identity = _existing(id);
        bytes32 key = _grantKey(role, scope);
        uint256 slot = _grantSlots[id][key];
        if (slot == 0) return;
        // Swap with the last grant and pop, so the list stays dense.
        RoleGrant[] storage grants = _grants[id];
        RoleGrant memory last = grants[grants.length - 1];
        grants[slot - 1] = last;
        _grantSlots[id][_grantKey(last.role, last.scope)] = slot;
        grants.pop();
        delete _grantSlots[id][key];
        identity.updatedBlock = uint64(block.number);
        emit IdentityRoleRevoked(id, role, scope);
    }

    /// @notice The full record of an identity (all zero when unknown).
    function recordOf(bytes32 id) external view returns (Identity memory) {
        return _identities[id];
    }

    /// @notice The statuses of many identities in one call, in the order asked (None for unknown ids).
    function statusesOf(bytes32[] calldata ids) external view returns (Status[] memory statuses) {
        statuses = new Status[](ids.length);
        for (uint256 i = 0; i < ids.length; i++) {
            statuses[i] = _identities[ids[i]].status;
        }
    }

    /// @notice The identity's role grants, whatever its status.
    function rolesOf(bytes32 id) external view returns (RoleGrant[] memory) {
        return _grants[id];
    }

    /// @notice Whether the identity is Active and holds the role within the scope: a grant counts only while Active.
    function hasIdentityRole(bytes32 id, bytes32 role, bytes32 scope) external view returns (bool) {
        return _identities[id].status == Status.Active && _grantSlots[id][_grantKey(role, scope)] != 0;
    }

    /// @notice The identity a controller address belongs to (zero when none): resolves a did:ethr to its identity.
    function identityOf(address controller) external view returns (bytes32) {
        return _byController[controller];
    }

    function _existing(bytes32 id) private view returns (Identity storage identity) {
        identity = _identities[id];
        if (identity.status == Status.None) revert UnknownIdentity(id);
    }

    function _setStatus(Identity storage identity, Status status) private {
        identity.status = status;
        identity.updatedBlock = uint64(block.number);
    }

    function _grantKey(bytes32 role, bytes32 scope) private pure returns (bytes32) {
        return keccak256(abi.encode(role, scope));
    }

    /// @dev Only the admin upgrades: the board's timelock once governed, so an upgrade waits out its delay.
    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}
}
