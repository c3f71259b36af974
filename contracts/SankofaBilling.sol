// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice What SankofaBilling reads of IdentityRegistry: who a signing key belongs to, and whether it holds a role.
interface IIdentityRoles {
    function identityOf(address controller) external view returns (bytes32);
    function hasIdentityRole(bytes32 id, bytes32 role, bytes32 scope) external view returns (bool);
}

/// @title SankofaBilling
/// @notice Price books, invoices and their settlement, verifiable by the parties to them. The provider (a control plane's
///         key holding BILLING_ROLE) records each price book's hash when it takes effect and issues each invoice by its
///         hash, period, totals, price-book version and usage roots; the invoice's canonical encoding is public
///         (docs/billing.md), so the customer and an auditor recompute it on their own machines and approve it by
///         signing EIP-712 typed data with their own identities' controller keys. An invoice is final with the
///         customer's approval, or with an auditor's once the dispute window has passed without agreement. A customer
///         may dispute it (the reason is recorded); an auditor resolves the dispute. Each tenant has a prepaid balance per
///         currency: non-transferable credit in minor units, not a token; the provider records deposits once each, and
///         settling a final invoice debits it once.
/// @dev Roles come from IdentityRegistry: the customer is an Active identity holding tenant-admin or billing-viewer in
///      the invoice's tenant (scope keccak256(tenant id)), the auditor one holding auditor platform-wide (scope zero).
///      Anyone may relay a signature: parties need no funded account. Amounts are integers in the currency's minor units.
///      Deployed behind an ERC-1967 proxy (UUPS), upgradeable only by DEFAULT_ADMIN_ROLE (the board's timelock once
///      governed). New state goes after the existing variables, never between them.
contract SankofaBilling is AccessControlUpgradeable, EIP712Upgradeable, UUPSUpgradeable {
    /// @notice Role of the control planes' keys: price books, invoices, deposits.
    bytes32 public constant BILLING_ROLE = keccak256("BILLING_ROLE");

    /// @notice The customer's roles within the invoice's tenant, and the auditor's platform-wide role (IdentityRegistry hashes).
    bytes32 public constant TENANT_ADMIN = keccak256("tenant-admin");
    bytes32 public constant BILLING_VIEWER = keccak256("billing-viewer");
    bytes32 public constant AUDITOR = keccak256("auditor");

    /// @notice EIP-712 types the parties sign.
    bytes32 public constant APPROVAL_TYPEHASH = keccak256("InvoiceApproval(bytes32 invoiceId,bytes32 invoiceHash)");
    bytes32 public constant DISPUTE_TYPEHASH = keccak256("InvoiceDispute(bytes32 invoiceId,bytes32 invoiceHash,string reason)");
    bytes32 public constant RESOLUTION_TYPEHASH = keccak256("DisputeResolution(bytes32 invoiceId,bytes32 invoiceHash,bool upheld)");

    /// @notice Invoice states. Final invoices may be settled; a voided one (dispute upheld) is issued again under a new id.
    enum State {
        None,
        Issued,
        Disputed,
        Final,
        Voided,
        Settled
    }

    /// @notice A price book version: its canonical hash and when it takes effect (unix seconds).
    struct PriceBook {
        bytes32 hash;
        uint64 effectiveFrom;
    }

    /// @notice What the chain holds for one invoice.
    struct Invoice {
        bytes32 tenant;
        bytes32 hash;
        bytes32 usageRoots;
        bytes32 currency;
        uint64 periodStart;
        uint64 periodEnd;
        uint64 priceBookVersion;
        uint64 issuedAt;
        uint128 total;
        uint128 credits;
        State state;
        address customer;
        address auditor;
    }

    IIdentityRoles private _identities;
    uint64 private _disputeWindow;
    mapping(uint64 version => PriceBook) private _priceBooks;
    mapping(bytes32 invoiceId => Invoice) private _invoices;
    mapping(bytes32 tenant => mapping(bytes32 currency => uint256)) private _balances;
    /// @dev Per payment reference, keccak256(tenant, currency, amount) of the deposit recorded under it.
    mapping(bytes32 paymentRef => bytes32) private _deposits;

    event PriceBookRecorded(uint64 indexed version, bytes32 hash, uint64 effectiveFrom);
    event InvoiceIssued(
        bytes32 indexed invoiceId, bytes32 indexed tenant, bytes32 hash, bytes32 usageRoots, bytes32 currency,
        uint64 periodStart, uint64 periodEnd, uint64 priceBookVersion, uint128 total, uint128 credits);
    event InvoiceApproved(bytes32 indexed invoiceId, address indexed signer, bytes32 indexed identity, bool asAuditor);
    event InvoiceFinal(bytes32 indexed invoiceId);
    event InvoiceDisputed(bytes32 indexed invoiceId, address indexed signer, string reason);
    event DisputeResolved(bytes32 indexed invoiceId, address indexed auditor, bool upheld);
    event Deposited(bytes32 indexed tenant, bytes32 indexed currency, uint256 amount, bytes32 paymentRef, uint256 balance);
    event Settled(bytes32 indexed invoiceId, bytes32 indexed tenant, uint128 total, uint256 balance);
    event DisputeWindowSet(uint64 seconds_);

    error ZeroValue();
    error Conflict(bytes32 id);
    error UnknownPriceBook(uint64 version);
    error UnknownInvoice(bytes32 invoiceId);
    error BadPeriod(uint64 periodStart, uint64 periodEnd);
    error WrongState(bytes32 invoiceId, State current);
    error NotCustomer(bytes32 invoiceId, address signer);
    error NotAuditor(bytes32 invoiceId, address signer);
    error DisputeWindowOpen(bytes32 invoiceId, uint256 opensFinalAt);
    error Shortfall(bytes32 invoiceId, uint256 balance, uint128 total);

    /// @dev The implementation itself is never initialised: only the proxy's storage holds roles.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Called once, by the proxy's constructor.
    /// @param admin Receives the admin and billing roles.
    /// @param identities IdentityRegistry, whose identities and roles say who the customer and the auditor are.
    /// @param disputeWindow Seconds after issue before an auditor's approval alone makes an invoice final.
    function initialize(address admin, IIdentityRoles identities, uint64 disputeWindow) external initializer {
        if (address(identities) == address(0)) revert ZeroValue();
        __AccessControl_init();
        __EIP712_init("SankofaBilling", "1");
        __UUPSUpgradeable_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(BILLING_ROLE, admin);
        _identities = identities;
        _disputeWindow = disputeWindow;
    }

    /// @notice Records a price book version's canonical hash; a repeat with the same values is a no-op.
    function recordPriceBook(uint64 version, bytes32 hash, uint64 effectiveFrom) external onlyRole(BILLING_ROLE) {
        if (version == 0 || hash == bytes32(0)) revert ZeroValue();
        PriceBook storage book = _priceBooks[version];
        if (book.hash != bytes32(0)) {
            if (book.hash == hash && book.effectiveFrom == effectiveFrom) return;
            revert Conflict(bytes32(uint256(version)));
        }
        book.hash = hash;
        book.effectiveFrom = effectiveFrom;
        emit PriceBookRecorded(version, hash, effectiveFrom);
    }

    /// @notice Issues an invoice: the provider's commitment to it. A repeat with the same hash and tenant is a no-op (the
    ///         hash covers every other value), with another hash Conflict.
    function issue(
        bytes32 invoiceId,
        bytes32 tenant,
        bytes32 hash,
        bytes32 usageRoots,
        bytes32 currency,
        uint64 periodStart,
        uint64 periodEnd,
        uint64 priceBookVersion,
        uint128 total,
        uint128 credits
    ) external onlyRole(BILLING_ROLE) {
        if (invoiceId == bytes32(0) || tenant == bytes32(0) || hash == bytes32(0) || currency == bytes32(0)) revert ZeroValue();
        if (periodEnd <= periodStart) revert BadPeriod(periodStart, periodEnd);
        if (_priceBooks[priceBookVersion].hash == bytes32(0)) revert UnknownPriceBook(priceBookVersion);
        Invoice storage invoice = _invoices[invoiceId];
        if (invoice.state != State.None) {
            if (invoice.hash == hash && invoice.tenant == tenant) return;
            revert Conflict(invoiceId);
        }
        invoice.tenant = tenant;
        invoice.hash = hash;
        invoice.usageRoots = usageRoots;
        invoice.currency = currency;
        invoice.periodStart = periodStart;
        invoice.periodEnd = periodEnd;
        invoice.priceBookVersion = priceBookVersion;
        invoice.issuedAt = uint64(block.timestamp);
        invoice.total = total;
        invoice.credits = credits;
        invoice.state = State.Issued;
        emit InvoiceIssued(invoiceId, tenant, hash, usageRoots, currency, periodStart, periodEnd, priceBookVersion, total, credits);
    }

    /// @notice Records a party's approval, signed over approvalDigest(invoiceId). The customer's makes an issued invoice
    ///         final; an auditor's does once the dispute window has passed, or at once for a disputed invoice it resolves
    ///         by resolve(). A repeat by the same party is a no-op.
    function approve(bytes32 invoiceId, bytes calldata signature) external {
        Invoice storage invoice = _existing(invoiceId);
        address signer = ECDSA.recover(approvalDigest(invoiceId), signature);
        bytes32 identity = _identities.identityOf(signer);
        if (_isCustomer(identity, invoice.tenant)) {
            if (invoice.customer == signer && invoice.state == State.Final) return;
            if (invoice.state != State.Issued) revert WrongState(invoiceId, invoice.state);
            invoice.customer = signer;
            emit InvoiceApproved(invoiceId, signer, identity, false);
        } else if (_isAuditor(identity)) {
            if (invoice.auditor == signer && invoice.state == State.Final) return;
            if (invoice.state != State.Issued) revert WrongState(invoiceId, invoice.state);
            uint256 opens = uint256(invoice.issuedAt) + _disputeWindow; // in 256 bits: no window can overflow it
            if (block.timestamp < opens) revert DisputeWindowOpen(invoiceId, opens);
            invoice.auditor = signer;
            emit InvoiceApproved(invoiceId, signer, identity, true);
        } else {
            revert NotCustomer(invoiceId, signer);
        }
        invoice.state = State.Final;
        emit InvoiceFinal(invoiceId);
    }

    /// @notice The customer disputes an issued invoice, signed over disputeDigest(invoiceId, reason); the reason is recorded.
    function dispute(bytes32 invoiceId, string calldata reason, bytes calldata signature) external {
        Invoice storage invoice = _existing(invoiceId);
        address signer = ECDSA.recover(disputeDigest(invoiceId, reason), signature);
        if (!_isCustomer(_identities.identityOf(signer), invoice.tenant)) revert NotCustomer(invoiceId, signer);
        if (invoice.state != State.Issued) revert WrongState(invoiceId, invoice.state);
        invoice.state = State.Disputed;
        emit InvoiceDisputed(invoiceId, signer, reason);
    }

    /// @notice An auditor resolves a dispute, signed over resolutionDigest: upheld voids the invoice (it is issued again
    ///         corrected, under a new id); not upheld makes it final with the auditor's approval.
    function resolve(bytes32 invoiceId, bool upheld, bytes calldata signature) external {
        Invoice storage invoice = _existing(invoiceId);
        address signer = ECDSA.recover(resolutionDigest(invoiceId, upheld), signature);
        if (!_isAuditor(_identities.identityOf(signer))) revert NotAuditor(invoiceId, signer);
        if (invoice.state != State.Disputed) revert WrongState(invoiceId, invoice.state);
        emit DisputeResolved(invoiceId, signer, upheld);
        if (upheld) {
            invoice.state = State.Voided;
        } else {
            invoice.auditor = signer;
            invoice.state = State.Final;
            emit InvoiceFinal(invoiceId);
        }
    }

    /// @notice Records a payment received off chain as the tenant's credit, once per reference: a repeat with the same
    ///         values is a no-op, with other values Conflict.
    function deposit(bytes32 tenant, bytes32 currency, uint256 amount, bytes32 paymentRef) external onlyRole(BILLING_ROLE) {
        if (tenant == bytes32(0) || currency == bytes32(0) || amount == 0 || paymentRef == bytes32(0)) revert ZeroValue();
        bytes32 what = keccak256(abi.encode(tenant, currency, amount));
        bytes32 recorded = _deposits[paymentRef];
        if (recorded == what) return;
        if (recorded != bytes32(0)) revert Conflict(paymentRef);
        _deposits[paymentRef] = what;
        uint256 balance = _balances[tenant][currency] + amount;
        _balances[tenant][currency] = balance;
        emit Deposited(tenant, currency, amount, paymentRef, balance);
    }

    /// @notice Pays a final invoice from its tenant's balance, once; a shortfall leaves it outstanding. Anyone may call it.
    function settle(bytes32 invoiceId) external {
        Invoice storage invoice = _existing(invoiceId);
        if (invoice.state != State.Final) revert WrongState(invoiceId, invoice.state);
        uint256 balance = _balances[invoice.tenant][invoice.currency];
        if (balance < invoice.total) revert Shortfall(invoiceId, balance, invoice.total);
        balance -= invoice.total;
        _balances[invoice.tenant][invoice.currency] = balance;
        invoice.state = State.Settled;
        emit Settled(invoiceId, invoice.tenant, invoice.total, balance);
    }

    /// @notice Sets the dispute window for invoices issued from now on and those still open (admin only).
    function setDisputeWindow(uint64 seconds_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _disputeWindow = seconds_;
        emit DisputeWindowSet(seconds_);
    }

    /// @notice The EIP-712 digest a party signs to approve the invoice as issued (its hash included).
    function approvalDigest(bytes32 invoiceId) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(APPROVAL_TYPEHASH, invoiceId, _invoices[invoiceId].hash)));
    }

    /// @notice The EIP-712 digest the customer signs to dispute the invoice with this reason.
    function disputeDigest(bytes32 invoiceId, string calldata reason) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(DISPUTE_TYPEHASH, invoiceId, _invoices[invoiceId].hash, keccak256(bytes(reason)))));
    }

    /// @notice The EIP-712 digest an auditor signs to resolve the dispute.
    function resolutionDigest(bytes32 invoiceId, bool upheld) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(RESOLUTION_TYPEHASH, invoiceId, _invoices[invoiceId].hash, upheld)));
    }

    /// @notice The invoice as the chain holds it (all zero when unknown).
    function invoiceOf(bytes32 invoiceId) external view returns (Invoice memory) {
        return _invoices[invoiceId];
    }

    /// @notice A price book version (all zero when unknown).
    function priceBookOf(uint64 version) external view returns (PriceBook memory) {
        return _priceBooks[version];
    }

    /// @notice A tenant's credit in a currency, in minor units.
    function balanceOf(bytes32 tenant, bytes32 currency) external view returns (uint256) {
        return _balances[tenant][currency];
    }

    /// @notice Whether a deposit reference was recorded.
    function depositRecorded(bytes32 paymentRef) external view returns (bool) {
        return _deposits[paymentRef] != bytes32(0);
    }

    /// @notice Seconds after issue before an auditor's approval alone makes an invoice final.
    function disputeWindow() external view returns (uint64) {
        return _disputeWindow;
    }

    /// @notice IdentityRegistry, as read for parties' roles.
    function identities() external view returns (address) {
        return address(_identities);
    }

    function _existing(bytes32 invoiceId) private view returns (Invoice storage invoice) {
        invoice = _invoices[invoiceId];
        if (invoice.state == State.None) revert UnknownInvoice(invoiceId);
    }

    function _isCustomer(bytes32 identity, bytes32 tenant) private view returns (bool) {
        return identity != bytes32(0)
            && (_identities.hasIdentityRole(identity, TENANT_ADMIN, tenant) || _identities.hasIdentityRole(identity, BILLING_VIEWER, tenant));
    }

    function _isAuditor(bytes32 identity) private view returns (bool) {
        return identity != bytes32(0) && _identities.hasIdentityRole(identity, AUDITOR, bytes32(0));
    }

    /// @dev Only the admin upgrades: the board's timelock once governed, so an upgrade waits out its delay.
    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}
}
