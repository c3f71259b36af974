namespace Sankofa.Core.Identity;

/// <summary>
/// The chain's say on whether an identity may act: its IdentityRegistry status, through a short-lived cache so that an
/// API call costs no chain round trip while a revocation through any control plane sharing the chain is seen within
/// seconds. Checked at token issuance and on every authenticated API call.
/// </summary>
public interface IIdentityStatusCheck
{
    /// <summary>The identity's status; <see cref="IdentityStatus.None"/> when the chain does not know it.</summary>
    /// <exception cref="Ledger.LedgerUnavailableException">The chain cannot be read and no recent answer is known.</exception>
    ValueTask<IdentityStatus> GetStatusAsync(string identityId, CancellationToken cancellationToken);
}
