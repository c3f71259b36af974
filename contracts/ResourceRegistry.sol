// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {MulticallUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/MulticallUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

/// @title ResourceRegistry
/// @notice The lifecycle of every resource Sankofa provisions — requested, placed, provisioned, deleted — and the
///         two attestations that make it Verified: the control plane's and the hosting site's, over the same spec hash.
/// @dev Only identifiers and hashes are stored. Each transition is idempotent (a repeat with the same values is a
///      no-op without an event) so the control plane can re-send after a crash; a repeat with other values reverts.
///      A site attests with its own key, distinct from the control plane's: it signs off chain and anyone may relay
///      the signature, so sites need no funded account and never touch the chain directly.
///      Multicall lets the control plane record many transitions in one transaction; its self-delegatecall keeps
///      msg.sender, so the role checks apply to each call as if sent alone, and one refused call reverts the whole batch.
///      A site's signature covers the resource's count of accepted site attestations, so each signature is good for one
///      change only: an earlier signature relayed again no longer matches and is refused.
///      A site key is registered only with its own signature over siteKeyDigest (proof that its holder presented it),
///      rotated only with the current key's signature over siteKeyRotationDigest, and revoked by an administrator. A key
///      serves one site, once: after rotation or revocation it can never be registered again, so no old signature
///      (registration, rotation or attestation) can bring it back.
///      Deployed behind an ERC-1967 proxy (UUPS): the proxy's address is the registry's, its storage survives an
///      upgrade, and only DEFAULT_ADMIN_ROLE (the board's timelock once governed) may upgrade it. New state goes after
///      the existing mappings, never between them.
contract ResourceRegistry is AccessControlUpgradeable, PausableUpgradeable, MulticallUpgradeable, UUPSUpgradeable {
    /// @notice Role of the control planes' signing keys: record transitions, and relay site keys' rotations (each signed
    ///         by the site's current key and the new key themselves).
    bytes32 public constant CONTROL_PLANE_ROLE = keccak256("CONTROL_PLANE_ROLE");

    /// @notice Role allowed to register a key for a site that has none. A new site key decides which machine may attest
    ///         for a site, so once governed only the board's timelock holds it; a rotation needs no such role, as the
    ///         site's current key consents to it.
    bytes32 public constant SITE_REGISTRAR_ROLE = keccak256("SITE_REGISTRAR_ROLE");

    /// @notice Role allowed to pause and resume the registry.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @notice First word of siteKeyDigest: separates a key's proof of possession from every other signed message.
    bytes32 public constant SITE_KEY_TAG = keccak256("sankofa.site-key.v1");

    /// @notice First word of siteKeyRotationDigest.
    bytes32 public constant SITE_KEY_ROTATION_TAG = keccak256("sankofa.site-key-rotation.v1");

    /// @notice Lifecycle states. Removing comes last so the earlier states keep their numbers; in the lifecycle it
    ///         comes between Provisioned (or any earlier state) and Deleted.
    enum State {
        None,
        Requested,
        Placed,
        Provisioned,
        Deleted,
        Removing
    }

    /// @notice What the chain holds for one resource, as resourceOf returns it.
    struct Resource {
        State state;
        bytes32 specHash;
        bytes32 site;
        bytes32 host;
        bytes32 controlPlaneAttestation;
        bytes32 siteAttestation;
        uint64 updatedBlock;
    }

    /// @dev How a resource is stored: four slots, not the seven of Resource. An attestation almost always carries the
    ///      requested spec hash, so a flag says so and the hash is kept apart (_divergent) only when it differs. Fewer
    ///      slots cost less gas, and less work for every block on a node that rebuilds the state trie per block
    ///      (anvil): the registry's storage is most of the chain's state.
    struct Stored {
        State state;
        bool controlPlaneAttested;
        bool siteAttested;
        uint64 updatedBlock;
        uint32 siteAttestations;
        bytes32 specHash;
        bytes32 site;
        bytes32 host;
    }

    /// @dev Attestations whose hash is not the requested spec hash (rare: a provider that built something else).
    struct Divergent {
        bytes32 controlPlane;
        bytes32 site;
    }

    mapping(bytes32 resourceId => Stored) private _resources;
    mapping(bytes32 resourceId => Divergent) private _divergent;
    mapping(bytes32 siteId => address) private _siteKeys;
    /// @dev The site each key was ever registered for: a key is never registered again once used.
    mapping(address key => bytes32 siteId) private _keySites;
    /// @dev Site failovers the admin (the board, through its timelock) decided: a site out of placement, and the site
    ///      that takes its role. Declared after the others so an upgrade from a registry without it keeps their slots.
    mapping(bytes32 siteId => bytes32 toSiteId) private _failovers;
    /// @dev The jurisdiction of the site each resource was placed in (data residency), as the ASCII bytes of its
    ///      ISO 3166-1 alpha-2 code ("NG" = 0x4e47). Declared last so an upgrade keeps every earlier slot.
    mapping(bytes32 resourceId => bytes2 jurisdiction) private _jurisdictions;

    /// @notice A site's attestation key was registered, with its holder's proof of possession.
    event SiteKeySet(bytes32 indexed site, address key);
    /// @notice A site's key was replaced by a new one, with the old key's consent and the new key's proof.
    event SiteKeyRotated(bytes32 indexed site, address oldKey, address newKey);
    /// @notice An administrator revoked a site's key: the site has no key until a new one is registered.
    event SiteKeyRevoked(bytes32 indexed site, address key);
    /// @notice A resource was requested with this spec.
    event Requested(bytes32 indexed resourceId, bytes32 specHash);
    /// @notice The placement engine chose a site and host.
    event Placed(bytes32 indexed resourceId, bytes32 site, bytes32 host);
    /// @notice The control plane attests the resource runs with this spec.
    event Provisioned(bytes32 indexed resourceId, bytes32 specHash);
    /// @notice The hosting site attests the resource runs with this spec.
    event SiteAttested(bytes32 indexed resourceId, bytes32 indexed site, bytes32 specHash);
    /// @notice The resource's owner asked for another spec (a resize): attestations start again for the new hash.
    event Resized(bytes32 indexed resourceId, bytes32 previousSpecHash, bytes32 specHash);
    /// @notice The resource is to be removed: its VM may now be destroyed (a site's agent destroys none before this).
    event RemovalRequested(bytes32 indexed resourceId);
    /// @notice The resource was deleted.
    event Deleted(bytes32 indexed resourceId);
    /// @notice The placement recorded the jurisdiction (ISO 3166-1 alpha-2, ASCII) of the resource's site.
    event JurisdictionRecorded(bytes32 indexed resourceId, bytes32 indexed site, bytes2 jurisdiction);
    /// @notice The admin (the board) took a site out of placement and moved its role to another site.
    event SiteFailedOver(bytes32 indexed site, bytes32 indexed to);
    /// @notice The admin (the board) ended a site's failover: it takes work again.
    event SiteRestored(bytes32 indexed site);

    /// @notice The transition does not follow from the resource's current state.
    error InvalidTransition(bytes32 resourceId, State current, State wanted);
    /// @notice A repeat of a transition carries other values than the first.
    error Conflict(bytes32 resourceId);
    /// @notice The site has no registered key, or the signature is not by it.
    error BadSiteSignature(bytes32 resourceId, bytes32 site, address signer);
    /// @notice A zero hash or id.
    error ZeroValue();
    /// @notice The proof of possession is not the key's signature over siteKeyDigest(site, key).
    error BadSiteKeyProof(bytes32 site, address key, address signer);
    /// @notice The rotation is not signed by the site's current key over siteKeyRotationDigest.
    error BadRotationSignature(bytes32 site, address currentKey, address signer);
    /// @notice The site already has another key: rotate it with that key's signature, or revoke it first.
    error SiteKeyAlreadySet(bytes32 site, address currentKey);
    /// @notice The site has no key to rotate.
    error NoSiteKey(bytes32 site);
    /// @notice The key was registered before (for this site or another) and cannot be registered again.
    error SiteKeyReused(address key, bytes32 site);
    /// @notice A site cannot fail over to itself.
    error SameSite(bytes32 site);
    /// @notice A jurisdiction must be two upper-case ASCII letters (an ISO 3166-1 alpha-2 code).
    error BadJurisdiction(bytes2 jurisdiction);

    /// @dev The implementation itself is never initialised: only the proxy's storage holds roles.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Called once, by the proxy's constructor.
    /// @param admin Receives the admin, control-plane, site-registrar and pauser roles.
    function initialize(address admin) external initializer {
        __AccessControl_init();
        __Pausable_init();
        __Multicall_init();
        __UUPSUpgradeable_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(CONTROL_PLANE_ROLE, admin);
        _grantRole(SITE_REGISTRAR_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
    }

    /// @notice Registers the key a site attests with, on the key's own signature over siteKeyDigest(site, key). Only for
    ///         a site without a key (new, or revoked); a repeat of the current registration is a no-op.
    function setSiteKey(bytes32 site, address key, bytes calldata proof) external onlyRole(SITE_REGISTRAR_ROLE) {
        _checkProof(site, key, proof);
        address current = _siteKeys[site];
        if (current == key) return;
        if (current != address(0)) revert SiteKeyAlreadySet(site, current);
        _claim(site, key);
        emit SiteKeySet(site, key);
    }

    /// @notice Replaces a site's key: the current key signs siteKeyRotationDigest(site, current, newKey), the new key
    ///         proves possession as for setSiteKey. The control plane relays both (sites have no funded account).
    function rotateSiteKey(bytes32 site, address newKey, bytes calldata signatureByOldKey, bytes calldata proofByNewKey)
        external
        onlyRole(CONTROL_PLANE_ROLE)
    {
        _checkProof(site, newKey, proofByNewKey);
        address current = _siteKeys[site];
        if (current == newKey) return;
        if (current == address(0)) revert NoSiteKey(site);
        address signer = _recover(siteKeyRotationDigest(site, current, newKey), signatureByOldKey);
        if (signer != current) revert BadRotationSignature(site, current, signer);
        _claim(site, newKey);
        emit SiteKeyRotated(site, current, newKey);
    }

    /// @notice Revokes a site's key (lost, stolen, site retired): its attestations fail until a new key is registered.
    /// @dev An administrator's act, not the control plane's, which only relays what sites sign.
    function revokeSiteKey(bytes32 site) external onlyRole(DEFAULT_ADMIN_ROLE) {
        address current = _siteKeys[site];
        if (current == address(0)) return;
        delete _siteKeys[site];
        emit SiteKeyRevoked(site, current);
    }

    /// @notice What a site key signs (with the Ethereum signed-message prefix) to prove its holder presents it for this
    ///         site, on this contract and chain.
    function siteKeyDigest(bytes32 site, address key) public view returns (bytes32) {
        return keccak256(abi.encode(SITE_KEY_TAG, address(this), block.chainid, site, key));
    }

    /// @notice What a site's current key signs (with the Ethereum signed-message prefix) to hand the site over to newKey.
    function siteKeyRotationDigest(bytes32 site, address oldKey, address newKey) public view returns (bytes32) {
        return keccak256(abi.encode(SITE_KEY_ROTATION_TAG, address(this), block.chainid, site, oldKey, newKey));
    }

    /// @notice Records a request for a resource with this spec.
    function request(bytes32 resourceId, bytes32 specHash) external onlyRole(CONTROL_PLANE_ROLE) whenNotPaused {
        if (resourceId == bytes32(0) || specHash == bytes32(0)) revert ZeroValue();
        Stored storage r = _resources[resourceId];
        if (r.state != State.None) {
            if (r.specHash == specHash) return;
            revert Conflict(resourceId);
        }
        r.state = State.Requested;
        r.specHash = specHash;
        r.updatedBlock = uint64(block.number);
        emit Requested(resourceId, specHash);
    }

    /// @notice Records where the resource was placed.
    function place(bytes32 resourceId, bytes32 site, bytes32 host) external onlyRole(CONTROL_PLANE_ROLE) whenNotPaused {
        _place(resourceId, site, host);
    }

    /// @notice Records where the resource was placed and the jurisdiction of that site (data residency), together. A
    ///         repeat with the same values is a no-op; another jurisdiction reverts with Conflict. A resource placed
    ///         before jurisdictions were recorded gains its jurisdiction once.
    function placeIn(bytes32 resourceId, bytes32 site, bytes32 host, bytes2 jurisdiction)
        external
        onlyRole(CONTROL_PLANE_ROLE)
        whenNotPaused
    {
        if (!_isCountryCode(jurisdiction)) revert BadJurisdiction(jurisdiction);
        _place(resourceId, site, host);
        bytes2 current = _jurisdictions[resourceId];
        if (current == jurisdiction) return;
        if (current != bytes2(0)) revert Conflict(resourceId);
        _jurisdictions[resourceId] = jurisdiction;
        emit JurisdictionRecorded(resourceId, site, jurisdiction);
    }

    /// @notice The jurisdiction recorded with the resource's placement (zero when none was).
    function jurisdictionOf(bytes32 resourceId) external view returns (bytes2) {
        return _jurisdictions[resourceId];
    }

    function _isCountryCode(bytes2 code) private pure returns (bool) {
        return code[0] >= 0x41 && code[0] <= 0x5A && code[1] >= 0x41 && code[1] <= 0x5A;
    }

    function _place(bytes32 resourceId, bytes32 site, bytes32 host) private {
        if (site == bytes32(0) || host == bytes32(0)) revert ZeroValue();
        Stored storage r = _resources[resourceId];
        if (r.state == State.Placed || r.state == State.Provisioned) {
            if (r.site == site && r.host == host) return;
            revert Conflict(resourceId);
        }
        if (r.state != State.Requested) revert InvalidTransition(resourceId, r.state, State.Placed);
        r.state = State.Placed;
        r.site = site;
        r.host = host;
        r.updatedBlock = uint64(block.number);
        emit Placed(resourceId, site, host);
    }

    /// @notice The control plane attests the resource was provisioned with this spec.
    function provisioned(bytes32 resourceId, bytes32 specHash) external onlyRole(CONTROL_PLANE_ROLE) whenNotPaused {
        Stored storage r = _resources[resourceId];
        if (r.state == State.Provisioned) {
            if (_controlPlaneAttestation(resourceId, r) == specHash) return;
            revert Conflict(resourceId);
        }
        if (r.state != State.Placed) revert InvalidTransition(resourceId, r.state, State.Provisioned);
        if (specHash == bytes32(0)) revert ZeroValue();
        r.state = State.Provisioned;
        if (specHash == r.specHash) {
            r.controlPlaneAttested = true;
        } else {
            _divergent[resourceId].controlPlane = specHash;
        }
        r.updatedBlock = uint64(block.number);
        emit Provisioned(resourceId, specHash);
    }

    /// @notice Relays the hosting site's attestation: its key's signature over (this contract, chain, resource, spec).
    /// @dev Anyone may relay; only the registered site key's signature over the current attestation count counts. A later
    ///      attestation replaces an earlier one and moves the count on, so no earlier signature can be relayed again.
    function attest(bytes32 resourceId, bytes32 specHash, bytes calldata signature) external whenNotPaused {
        Stored storage r = _resources[resourceId];
        if (r.state != State.Placed && r.state != State.Provisioned) {
            revert InvalidTransition(resourceId, r.state, State.Provisioned);
        }
        address signer = _recover(attestationDigest(resourceId, specHash), signature);
        address key = _siteKeys[r.site];
        if (key == address(0) || signer != key) revert BadSiteSignature(resourceId, r.site, signer);
        if (_siteAttestation(resourceId, r) == specHash) return;
        bool matches = specHash == r.specHash;
        r.siteAttestations += 1;
        r.siteAttested = matches;
        _divergent[resourceId].site = matches ? bytes32(0) : specHash;
        r.updatedBlock = uint64(block.number);
        emit SiteAttested(resourceId, r.site, specHash);
    }

    /// @notice Records a new requested spec for a placed or provisioned resource (a resize, or another one before the
    ///         last was attested): the resource is Placed again with the new hash and both attestations cleared, so it is
    ///         Verified again only once the control plane and the site attest the new spec. A site's agent changes a
    ///         running VM only when the chain holds the spec it is asked for. A repeat (Placed with this hash) is a
    ///         no-op; the previous hash stays in the Resized event.
    function resize(bytes32 resourceId, bytes32 specHash) external onlyRole(CONTROL_PLANE_ROLE) whenNotPaused {
        if (specHash == bytes32(0)) revert ZeroValue();
        Stored storage r = _resources[resourceId];
        if (r.state == State.Placed && r.specHash == specHash) return;
        if (r.state != State.Provisioned && r.state != State.Placed) revert InvalidTransition(resourceId, r.state, State.Placed);
        if (r.specHash == specHash) revert Conflict(resourceId);
        bytes32 previous = r.specHash;
        r.state = State.Placed;
        r.specHash = specHash;
        r.controlPlaneAttested = false;
        r.siteAttested = false;
        delete _divergent[resourceId];
        r.updatedBlock = uint64(block.number);
        emit Resized(resourceId, previous, specHash);
    }

    /// @notice Records that the resource is to be removed, before its VM is destroyed: the hosting site's agent destroys
    ///         a resource's VM only when the chain says so, so a control plane cannot have a running resource destroyed
    ///         without this record. Nothing but removal follows it.
    function requestRemoval(bytes32 resourceId) external onlyRole(CONTROL_PLANE_ROLE) whenNotPaused {
        Stored storage r = _resources[resourceId];
        if (r.state == State.Removing || r.state == State.Deleted) return;
        if (r.state == State.None) revert InvalidTransition(resourceId, r.state, State.Removing);
        r.state = State.Removing;
        r.updatedBlock = uint64(block.number);
        emit RemovalRequested(resourceId);
    }

    /// @notice Records that the resource was deleted.
    function remove(bytes32 resourceId) external onlyRole(CONTROL_PLANE_ROLE) whenNotPaused {
        Stored storage r = _resources[resourceId];
        if (r.state == State.Deleted) return;
        if (r.state == State.None) revert InvalidTransition(resourceId, r.state, State.Deleted);
        r.state = State.Deleted;
        r.updatedBlock = uint64(block.number);
        emit Deleted(resourceId);
    }

    /// @notice What a site signs (with the Ethereum signed-message prefix): binds the attestation to this contract and
    ///         chain, and to the resource's count of site attestations accepted so far, so a signature is good once.
    function attestationDigest(bytes32 resourceId, bytes32 specHash) public view returns (bytes32) {
        return keccak256(abi.encode(address(this), block.chainid, resourceId, specHash, siteAttestationsOf(resourceId)));
    }

    /// @notice How many site attestations of the resource changed its record (the count the next signature must cover).
    function siteAttestationsOf(bytes32 resourceId) public view returns (uint32) {
        return _resources[resourceId].siteAttestations;
    }

    /// @notice A resource is Verified when provisioned and both the control plane and its site attested the same spec.
    function isVerified(bytes32 resourceId) public view returns (bool) {
        Stored storage r = _resources[resourceId];
        return r.state == State.Provisioned && r.controlPlaneAttested && r.siteAttested;
    }

    /// @notice The full record of a resource.
    function resourceOf(bytes32 resourceId) external view returns (Resource memory) {
        Stored storage r = _resources[resourceId];
        return Resource({
            state: r.state,
            specHash: r.specHash,
            site: r.site,
            host: r.host,
            controlPlaneAttestation: _controlPlaneAttestation(resourceId, r),
            siteAttestation: _siteAttestation(resourceId, r),
            updatedBlock: r.updatedBlock
        });
    }

    function _checkProof(bytes32 site, address key, bytes calldata proof) private view {
        if (site == bytes32(0) || key == address(0)) revert ZeroValue();
        address signer = _recover(siteKeyDigest(site, key), proof);
        if (signer != key) revert BadSiteKeyProof(site, key, signer);
    }

    /// @dev Makes key the site's key and binds it to the site for good.
    function _claim(bytes32 site, address key) private {
        bytes32 used = _keySites[key];
        if (used != bytes32(0)) revert SiteKeyReused(key, used);
        _keySites[key] = site;
        _siteKeys[site] = key;
    }

    function _recover(bytes32 digest, bytes calldata signature) private pure returns (address) {
        return ECDSA.recover(MessageHashUtils.toEthSignedMessageHash(digest), signature);
    }

    function _controlPlaneAttestation(bytes32 resourceId, Stored storage r) private view returns (bytes32) {
        return r.controlPlaneAttested ? r.specHash : _divergent[resourceId].controlPlane;
    }

    function _siteAttestation(bytes32 resourceId, Stored storage r) private view returns (bytes32) {
        return r.siteAttested ? r.specHash : _divergent[resourceId].site;
    }

    /// @notice Takes `site` out of placement and moves its role to `to` (a core datacenter lost, say). The control planes
    ///         carry it out when they see it here, and only then. A repeat is a no-op; another target replaces the first.
    /// @dev The admin's act: once governed, a decided board proposal run by the timelock.
    function failover(bytes32 site, bytes32 to) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (site == bytes32(0) || to == bytes32(0)) revert ZeroValue();
        if (site == to) revert SameSite(site);
        if (_failovers[site] == to) return;
        _failovers[site] = to;
        emit SiteFailedOver(site, to);
    }

    /// @notice Ends a site's failover; a site not failed over is left as it is.
    function restore(bytes32 site) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_failovers[site] == bytes32(0)) return;
        delete _failovers[site];
        emit SiteRestored(site);
    }

    /// @notice The site that took `site`'s role (zero when it is not failed over).
    function failoverOf(bytes32 site) external view returns (bytes32) {
        return _failovers[site];
    }

    /// @notice The key a site attests with (zero when none).
    function siteKeyOf(bytes32 site) external view returns (address) {
        return _siteKeys[site];
    }

    /// @notice Stops all transitions.
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @notice Resumes transitions.
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @dev Only the admin upgrades: the board's timelock once governed, so an upgrade waits out its delay.
    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}
}
