using Nethereum.ABI;
using Nethereum.Contracts;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Governance;

/// <summary>The contracts a board governs, by address (as <c>GET /api/v1/ledger</c> names them).</summary>
/// <param name="Board">SankofaBoard.</param>
/// <param name="AuditAnchor">AuditAnchor's proxy.</param>
/// <param name="ResourceRegistry">ResourceRegistry's proxy.</param>
/// <param name="IdentityRegistry">IdentityRegistry's proxy.</param>
/// <param name="Billing">SankofaBilling's proxy, when the ledger has one.</param>
public sealed record GovernedContracts(string Board, string AuditAnchor, string ResourceRegistry, string IdentityRegistry, string? Billing = null);

/// <summary>
/// The calls of the decisions a board makes, ready for a proposal (each a target and its calldata, 0x hex): the same
/// bytes <c>cast calldata</c> gives for the signatures named below (docs/governance.md), so a member can check a proposal
/// with cast alone before approving it.
/// </summary>
public static class BoardDecisions
{
    private static readonly byte[] ControlPlaneRole = BoardDeployment.Role("CONTROL_PLANE_ROLE");
    private static readonly byte[] AnchorerRole = BoardDeployment.Role("ANCHORER_ROLE");
    private static readonly byte[] RegistrarRole = BoardDeployment.Role("REGISTRAR_ROLE");
    private static readonly byte[] BillingRole = BoardDeployment.Role("BILLING_ROLE");

    /// <summary><c>setSiteKey(bytes32,address,bytes)</c>: registers a site's key with the key's own proof of possession (an agent's, as the agents API lists it).</summary>
    public static (string Target, string Calldata) SetSiteKey(GovernedContracts contracts, string siteId, string key, string proof)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        return (contracts.ResourceRegistry, Hex.Bytes(new SetSiteKeyFunction
        {
            Site = LedgerIds.Of(siteId), Key = SiteKeyRegistration.Address(key, nameof(key)), Proof = HexArgument(proof, nameof(proof)),
        }.GetCallData()));
    }

    /// <summary><c>revokeSiteKey(bytes32)</c>: the site has no key until another is registered.</summary>
    public static (string Target, string Calldata) RevokeSiteKey(GovernedContracts contracts, string siteId)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        return (contracts.ResourceRegistry, Hex.Bytes(new RevokeSiteKeyFunction { Site = LedgerIds.Of(siteId) }.GetCallData()));
    }

    /// <summary><c>failover(bytes32,bytes32)</c>: takes <paramref name="siteId"/> out of placement and moves its role to <paramref name="toSiteId"/>.</summary>
    public static (string Target, string Calldata) Failover(GovernedContracts contracts, string siteId, string toSiteId)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        return (contracts.ResourceRegistry, Hex.Bytes([.. Abi.Selector("failover(bytes32,bytes32)"), .. LedgerIds.Of(siteId), .. LedgerIds.Of(toSiteId)]));
    }

    /// <summary><c>restore(bytes32)</c>: ends a site's failover.</summary>
    public static (string Target, string Calldata) Restore(GovernedContracts contracts, string siteId)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        return (contracts.ResourceRegistry, Hex.Bytes([.. Abi.Selector("restore(bytes32)"), .. LedgerIds.Of(siteId)]));
    }

    /// <summary><c>upgradeToAndCall(address,bytes)</c> with no call: moves a proxy to a new implementation, keeping its state.</summary>
    public static (string Target, string Calldata) Upgrade(string proxy, string implementation) =>
        (proxy, Hex.Bytes([.. Abi.Selector("upgradeToAndCall(address,bytes)"),
            .. new ABIEncode().GetABIEncoded(new ABIValue("address", SiteKeyRegistration.Address(implementation, nameof(implementation))), new ABIValue("bytes", Array.Empty<byte>()))]));

    /// <summary>
    /// A region's control plane key, added: <c>grantRole</c> of ResourceRegistry's CONTROL_PLANE_ROLE, AuditAnchor's
    /// ANCHORER_ROLE, IdentityRegistry's REGISTRAR_ROLE and SankofaBilling's BILLING_ROLE, the operational roles its work
    /// needs and no other.
    /// </summary>
    public static IReadOnlyList<(string Target, string Calldata)> AddControlPlane(GovernedContracts contracts, string key) =>
        ControlPlaneRoles(contracts, key, grant: true);

    /// <summary>A region's control plane key, removed: <c>revokeRole</c> of the operational roles.</summary>
    public static IReadOnlyList<(string Target, string Calldata)> RemoveControlPlane(GovernedContracts contracts, string key) =>
        ControlPlaneRoles(contracts, key, grant: false);

    /// <summary><c>addMember(address)</c> of the board.</summary>
    public static (string Target, string Calldata) AddMember(GovernedContracts contracts, string member)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        return (contracts.Board, Hex.Bytes(new AddMemberFunction { Member = SiteKeyRegistration.Address(member, nameof(member)) }.GetCallData()));
    }

    /// <summary><c>removeMember(address)</c> of the board.</summary>
    public static (string Target, string Calldata) RemoveMember(GovernedContracts contracts, string member)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        return (contracts.Board, Hex.Bytes(new RemoveMemberFunction { Member = SiteKeyRegistration.Address(member, nameof(member)) }.GetCallData()));
    }

    /// <summary><c>setThresholds(uint32,uint32)</c> of the board.</summary>
    public static (string Target, string Calldata) SetThresholds(GovernedContracts contracts, uint threshold, uint emergencyThreshold)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        return (contracts.Board, Hex.Bytes(new SetThresholdsFunction { Threshold = threshold, EmergencyThreshold = emergencyThreshold }.GetCallData()));
    }

    private static List<(string Target, string Calldata)> ControlPlaneRoles(GovernedContracts contracts, string key, bool grant)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        var account = SiteKeyRegistration.Address(key, nameof(key));
        var selector = Abi.Selector(grant ? "grantRole(bytes32,address)" : "revokeRole(bytes32,address)");
        List<(string Target, string Calldata)> calls =
        [
            (contracts.ResourceRegistry, Role(selector, ControlPlaneRole, account)),
            (contracts.AuditAnchor, Role(selector, AnchorerRole, account)),
            (contracts.IdentityRegistry, Role(selector, RegistrarRole, account)),
        ];
        if (contracts.Billing is { } billing)
        {
            calls.Add((billing, Role(selector, BillingRole, account)));
        }

        return calls;
    }

    private static string Role(byte[] selector, byte[] role, string account)
    {
        var data = new byte[68];
        selector.CopyTo(data, 0);
        role.CopyTo(data, 4);
        Abi.WriteAddress(data.AsSpan(36, 32), account);
        return Hex.Bytes(data);
    }

    private static byte[] HexArgument(string value, string name) =>
        value is { Length: > 2 } && value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && value.Length % 2 == 0 && value.AsSpan(2).ContainsAnyExcept("0123456789abcdefABCDEF") is false
            ? Convert.FromHexString(value.AsSpan(2))
            : throw new ArgumentException($"Not 0x-prefixed hex bytes: '{value}'.", name);
}
