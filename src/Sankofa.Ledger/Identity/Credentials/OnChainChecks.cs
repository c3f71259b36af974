using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Resources;

namespace Sankofa.Ledger.Identity.Credentials;

/// <summary>What issuing, verifying and resolving ask the chain: is an address a control plane's, does an identity hold a role.</summary>
internal static class OnChainChecks
{
    /// <summary>
    /// This control plane's signing address, or another control plane's sharing the chain: one holding REGISTRAR_ROLE on
    /// the IdentityRegistry, granted by the registry's admin. Regions trust the chain, not each other.
    /// </summary>
    public static async Task<bool> IsControlPlaneAsync(LedgerConnection connection, string address, CancellationToken cancellationToken) =>
        string.Equals(address, connection.SignerAddress, StringComparison.OrdinalIgnoreCase)
        || await IdentityRegistryCalls.IsRegistrarAsync(connection.Rpc, connection.IdentityRegistryAddress, address, cancellationToken).ConfigureAwait(false);

    /// <summary>Whether the identity's grants on chain include the role within the scope (its status is checked separately).</summary>
    public static bool HoldsRole(OnChainIdentity identity, RoleGrant grant)
    {
        var role = LedgerIds.Of(grant.Role);
        var scope = grant.Scope is null ? new byte[32] : LedgerIds.Of(grant.Scope);
        return identity.Roles.Any(g => g.Role.AsSpan().SequenceEqual(role) && g.Scope.AsSpan().SequenceEqual(scope));
    }

    public static string Describe(RoleGrant grant) => grant.Scope is null ? $"{grant.Role} (platform-wide)" : $"{grant.Role} of '{grant.Scope}'";
}
