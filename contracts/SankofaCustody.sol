// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice What SankofaCustody reads of IdentityRegistry: who a signing key belongs to, its status, and its roles.
interface ICustodyIdentities {
    function identityOf(address controller) external view returns (bytes32);
    function hasIdentityRole(bytes32 id, bytes32 role, bytes32 scope) external view returns (bool);
    function statusesOf(bytes32[] calldata ids) external view returns (uint8[] memory);
}

/// @title SankofaCustody
/// @notice The custody chain of hardware assets (servers and their components): registration by a supplier, transfers
///         signed by BOTH the sender and the receiver, inspections signed by an inspector, installation at a site and
///         host and decommissioning (with a media-destruction certificate) signed by the custodian. Each event carries
///         the hash of an off-chain document the control plane stores (packing list, photo, certificate); the chain
///         keeps every event, so anyone can check an asset's custody with the chain alone. Canonical encodings and the
///         EIP-712 types are in docs/hardware.md.
/// @dev Parties are IdentityRegistry identities signing with their controller keys: the supplier holds `supplier` and
///      the inspector `inspector` platform-wide (scope zero); a custodian is any Active identity (a carrier, a receiving
///      site). Every digest includes the asset's event sequence, so a signature counts for one event only. Anyone may
///      relay signatures: parties need no funded account. Ids are keccak-256 hashes of the control plane's string ids.
///      Deployed behind an ERC-1967 proxy (UUPS), upgradeable only by DEFAULT_ADMIN_ROLE (the board's timelock once
///      governed). New state goes after the existing variables, never between them.
contract SankofaCustody is AccessControlUpgradeable, EIP712Upgradeable, UUPSUpgradeable {
    /// @notice Party roles (IdentityRegistry hashes), held platform-wide.
    bytes32 public constant SUPPLIER = keccak256("supplier");
    bytes32 public constant INSPECTOR = keccak256("inspector");

    /// @notice EIP-712 types the parties sign.
    bytes32 public constant REGISTRATION_TYPEHASH =
        keccak256("AssetRegistration(bytes32 assetId,bytes32 assetHash,bytes32 documentHash)");
    bytes32 public constant TRANSFER_TYPEHASH =
        keccak256("CustodyTransfer(bytes32 assetId,uint64 sequence,bytes32 from,bytes32 to,bytes32 documentHash)");
    bytes32 public constant INSPECTION_TYPEHASH =
        keccak256("AssetInspection(bytes32 assetId,uint64 sequence,bool passed,bytes32 documentHash)");
    bytes32 public constant INSTALLATION_TYPEHASH =
        keccak256("AssetInstallation(bytes32 assetId,uint64 sequence,bytes32 site,bytes32 host,bytes32 documentHash)");
    bytes32 public constant DECOMMISSION_TYPEHASH =
        keccak256("AssetDecommission(bytes32 assetId,uint64 sequence,bytes32 certificateHash)");

    /// @notice An asset's state: Held by its custodian, Installed at a site and host, or Decommissioned for good.
    enum State {
        None,
        Held,
        Installed,
        Decommissioned
    }

    /// @notice The kind of a custody event.
    enum Kind {
        Registration,
        Transfer,
        Inspection,
        Installation,
        Decommission
    }

    /// @notice What the chain holds for one asset.
    struct Asset {
        bytes32 assetHash;
        bytes32 custodian;
        bytes32 site;
        bytes32 host;
        uint64 events;
        State state;
        bool inspectionFailed;
    }

    /// @notice One custody event: who signed (actor: the supplier, sender, inspector or custodian), the counterparty (the
    ///         receiver of a transfer), the document's hash, site and host of an installation, an inspection's outcome.
    struct CustodyEvent {
        Kind kind;
        bool passed;
        uint64 blockNumber;
        bytes32 actor;
        bytes32 counterparty;
        bytes32 documentHash;
        bytes32 site;
        bytes32 host;
    }

    ICustodyIdentities private _identities;
    mapping(bytes32 assetId => Asset) private _assets;
    mapping(bytes32 assetId => mapping(uint64 sequence => CustodyEvent)) private _events;

    event AssetRegistered(bytes32 indexed assetId, bytes32 indexed supplier, bytes32 assetHash, bytes32 documentHash);
    event CustodyTransferred(bytes32 indexed assetId, uint64 sequence, bytes32 indexed from, bytes32 indexed to, bytes32 documentHash);
    event AssetInspected(bytes32 indexed assetId, uint64 sequence, bytes32 indexed inspector, bool passed, bytes32 documentHash);
    event AssetInstalled(bytes32 indexed assetId, uint64 sequence, bytes32 indexed site, bytes32 indexed host, bytes32 documentHash);
    event AssetDecommissioned(bytes32 indexed assetId, uint64 sequence, bytes32 indexed custodian, bytes32 certificateHash);

    error ZeroValue();
    error AlreadyRegistered(bytes32 assetId);
    error UnknownAsset(bytes32 assetId);
    error NotSupplier(address signer);
    error NotInspector(address signer);
    error NotCustodian(bytes32 assetId, address signer);
    error NotReceiver(bytes32 assetId, address signer);
    error Decommissioned(bytes32 assetId);
    error LengthMismatch();

    /// @dev The implementation itself is never initialised: only the proxy's storage holds roles.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Called once, by the proxy's constructor.
    /// @param admin Receives the admin role (upgrades).
    /// @param registry IdentityRegistry, whose identities and roles say who the parties are.
    function initialize(address admin, ICustodyIdentities registry) external initializer {
        if (address(registry) == address(0)) revert ZeroValue();
        __AccessControl_init();
        __EIP712_init("SankofaCustody", "1");
        __UUPSUpgradeable_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _identities = registry;
    }

    /// @notice Registers an asset, signed by a supplier over registrationDigest; the supplier is its first custodian. A
    ///         repeat with the same asset hash and supplier is a no-op.
    function register(bytes32 assetId, bytes32 assetHash, bytes32 documentHash, bytes calldata signature) external {
        _register(assetId, assetHash, documentHash, signature);
    }

    /// @notice Registers several assets in one transaction, each exactly as `register` would (its own supplier's
    ///         signature over its own registrationDigest, the same event), in order. All or nothing: one refused
    ///         registration reverts the batch with that registration's error, and the relayer sends them again one by
    ///         one to learn which; no registration is ever recorded half-checked or silently skipped.
    function registerBatch(
        bytes32[] calldata assetIds,
        bytes32[] calldata assetHashes,
        bytes32[] calldata documentHashes,
        bytes[] calldata signatures
    ) external {
        uint256 count = assetIds.length;
        if (assetHashes.length != count || documentHashes.length != count || signatures.length != count) {
            revert LengthMismatch();
        }
        for (uint256 i = 0; i < count; i++) {
            _register(assetIds[i], assetHashes[i], documentHashes[i], signatures[i]);
        }
    }

    /// @notice Hands the asset from its custodian to identity `to`: both sign transferDigest, the sender with the
    ///         custodian's controller key and the receiver with `to`'s. One signature alone is refused, so no one can
    ///         claim custody alone. An installed asset leaves its host.
    function transfer(bytes32 assetId, bytes32 to, bytes32 documentHash, bytes calldata senderSignature, bytes calldata receiverSignature) external {
        if (to == bytes32(0) || documentHash == bytes32(0)) revert ZeroValue();
        Asset storage asset = _live(assetId);
        bytes32 from = asset.custodian;
        _checkTransfer(assetId, from, to, transferDigest(assetId, to, documentHash), senderSignature, receiverSignature);
        uint64 sequence = asset.events;
        asset.custodian = to;
        asset.state = State.Held;
        asset.site = bytes32(0);
        asset.host = bytes32(0);
        _record(assetId, asset, CustodyEvent(Kind.Transfer, false, uint64(block.number), from, to, documentHash, bytes32(0), bytes32(0)));
        emit CustodyTransferred(assetId, sequence, from, to, documentHash);
    }

    /// @notice Records an inspection or attestation (firmware measured, tamper seal intact), signed by an inspector over
    ///         inspectionDigest. A failed one marks the asset until a later inspection passes.
    function inspect(bytes32 assetId, bool passed, bytes32 documentHash, bytes calldata signature) external {
        if (documentHash == bytes32(0)) revert ZeroValue();
        Asset storage asset = _live(assetId);
        address signer = ECDSA.recover(inspectionDigest(assetId, passed, documentHash), signature);
        bytes32 inspector = _identities.identityOf(signer);
        if (inspector == bytes32(0) || !_identities.hasIdentityRole(inspector, INSPECTOR, bytes32(0))) revert NotInspector(signer);
        uint64 sequence = asset.events;
        asset.inspectionFailed = !passed;
        _record(assetId, asset, CustodyEvent(Kind.Inspection, passed, uint64(block.number), inspector, bytes32(0), documentHash, bytes32(0), bytes32(0)));
        emit AssetInspected(assetId, sequence, inspector, passed, documentHash);
    }

    /// @notice Records the asset's installation at a site and host (keccak256 of their ids), signed by its custodian.
    function install(bytes32 assetId, bytes32 site, bytes32 host, bytes32 documentHash, bytes calldata signature) external {
        if (site == bytes32(0) || host == bytes32(0) || documentHash == bytes32(0)) revert ZeroValue();
        Asset storage asset = _live(assetId);
        address signer = ECDSA.recover(installationDigest(assetId, site, host, documentHash), signature);
        bytes32 custodian = asset.custodian;
        if (_identities.identityOf(signer) != custodian || !_active(custodian)) revert NotCustodian(assetId, signer);
        uint64 sequence = asset.events;
        asset.state = State.Installed;
        asset.site = site;
        asset.host = host;
        _record(assetId, asset, CustodyEvent(Kind.Installation, false, uint64(block.number), custodian, bytes32(0), documentHash, site, host));
        emit AssetInstalled(assetId, sequence, site, host, documentHash);
    }

    /// @notice Decommissions the asset for good, with the hash of its media-destruction certificate, signed by its custodian.
    function decommission(bytes32 assetId, bytes32 certificateHash, bytes calldata signature) external {
        if (certificateHash == bytes32(0)) revert ZeroValue();
        Asset storage asset = _live(assetId);
        address signer = ECDSA.recover(decommissionDigest(assetId, certificateHash), signature);
        bytes32 custodian = asset.custodian;
        if (_identities.identityOf(signer) != custodian || !_active(custodian)) revert NotCustodian(assetId, signer);
        uint64 sequence = asset.events;
        asset.state = State.Decommissioned;
        asset.site = bytes32(0);
        asset.host = bytes32(0);
        _record(assetId, asset, CustodyEvent(Kind.Decommission, false, uint64(block.number), custodian, bytes32(0), certificateHash, bytes32(0), bytes32(0)));
        emit AssetDecommissioned(assetId, sequence, custodian, certificateHash);
    }

    /// @notice The EIP-712 digest a supplier signs to register the asset.
    function registrationDigest(bytes32 assetId, bytes32 assetHash, bytes32 documentHash) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(REGISTRATION_TYPEHASH, assetId, assetHash, documentHash)));
    }

    /// @notice The EIP-712 digest sender and receiver both sign to hand the asset, as its next event, from its custodian to `to`.
    function transferDigest(bytes32 assetId, bytes32 to, bytes32 documentHash) public view returns (bytes32) {
        Asset storage asset = _assets[assetId];
        return _hashTypedDataV4(keccak256(abi.encode(TRANSFER_TYPEHASH, assetId, asset.events, asset.custodian, to, documentHash)));
    }

    /// @notice The EIP-712 digest an inspector signs to record an inspection as the asset's next event.
    function inspectionDigest(bytes32 assetId, bool passed, bytes32 documentHash) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(INSPECTION_TYPEHASH, assetId, _assets[assetId].events, passed, documentHash)));
    }

    /// @notice The EIP-712 digest the custodian signs to record the installation as the asset's next event.
    function installationDigest(bytes32 assetId, bytes32 site, bytes32 host, bytes32 documentHash) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(INSTALLATION_TYPEHASH, assetId, _assets[assetId].events, site, host, documentHash)));
    }

    /// @notice The EIP-712 digest the custodian signs to decommission the asset as its next event.
    function decommissionDigest(bytes32 assetId, bytes32 certificateHash) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(DECOMMISSION_TYPEHASH, assetId, _assets[assetId].events, certificateHash)));
    }

    /// @notice The asset as the chain holds it (all zero when unknown).
    function assetOf(bytes32 assetId) external view returns (Asset memory) {
        return _assets[assetId];
    }

    /// @notice The asset's custody event number `sequence` (0 is its registration; all zero past the last).
    function eventOf(bytes32 assetId, uint64 sequence) external view returns (CustodyEvent memory) {
        return _events[assetId][sequence];
    }

    /// @notice The asset's custody events, in order.
    function eventsOf(bytes32 assetId) external view returns (CustodyEvent[] memory events) {
        uint64 count = _assets[assetId].events;
        events = new CustodyEvent[](count);
        for (uint64 i = 0; i < count; i++) {
            events[i] = _events[assetId][i];
        }
    }

    /// @notice IdentityRegistry, as read for parties' roles.
    function identities() external view returns (address) {
        return address(_identities);
    }

    function _register(bytes32 assetId, bytes32 assetHash, bytes32 documentHash, bytes calldata signature) private {
        if (assetId == bytes32(0) || assetHash == bytes32(0) || documentHash == bytes32(0)) revert ZeroValue();
        address signer = ECDSA.recover(registrationDigest(assetId, assetHash, documentHash), signature);
        bytes32 supplier = _identities.identityOf(signer);
        if (supplier == bytes32(0) || !_identities.hasIdentityRole(supplier, SUPPLIER, bytes32(0))) revert NotSupplier(signer);
        Asset storage asset = _assets[assetId];
        if (asset.state != State.None) {
            if (asset.assetHash == assetHash && _events[assetId][0].actor == supplier) return;
            revert AlreadyRegistered(assetId);
        }
        asset.assetHash = assetHash;
        asset.custodian = supplier;
        asset.state = State.Held;
        _record(assetId, asset, CustodyEvent(Kind.Registration, false, uint64(block.number), supplier, bytes32(0), documentHash, bytes32(0), bytes32(0)));
        emit AssetRegistered(assetId, supplier, assetHash, documentHash);
    }

    function _live(bytes32 assetId) private view returns (Asset storage asset) {
        asset = _assets[assetId];
        if (asset.state == State.None) revert UnknownAsset(assetId);
        if (asset.state == State.Decommissioned) revert Decommissioned(assetId);
    }

    function _checkTransfer(bytes32 assetId, bytes32 from, bytes32 to, bytes32 digest, bytes calldata senderSignature, bytes calldata receiverSignature)
        private
        view
    {
        address sender = ECDSA.recover(digest, senderSignature);
        if (_identities.identityOf(sender) != from || !_active(from)) revert NotCustodian(assetId, sender);
        address receiver = ECDSA.recover(digest, receiverSignature);
        if (_identities.identityOf(receiver) != to || !_active(to)) revert NotReceiver(assetId, receiver);
    }

    function _active(bytes32 identity) private view returns (bool) {
        bytes32[] memory ids = new bytes32[](1);
        ids[0] = identity;
        return _identities.statusesOf(ids)[0] == 1; // IdentityRegistry.Status.Active
    }

    function _record(bytes32 assetId, Asset storage asset, CustodyEvent memory custodyEvent) private {
        _events[assetId][asset.events] = custodyEvent;
        asset.events += 1;
    }

    /// @dev Only the admin upgrades: the board's timelock once governed, so an upgrade waits out its delay.
    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}
}
