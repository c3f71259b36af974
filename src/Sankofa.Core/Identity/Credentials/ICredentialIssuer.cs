using Sankofa.Core.Access;
namespace Sankofa.Core.Identity.Credentials;

/// <summary>
/// Signs role credentials with this control plane's key, after checking on chain that the subject identity is Active
/// and holds the role. Implemented by the ledger (the key and the IdentityRegistry live there); callers go through
/// <see cref="CredentialService"/>, which validates the request and records the issuance in the audit log.
/// </summary>
public interface ICredentialIssuer
{
    /// <summary>Issues a credential valid from now for <paramref name="validFor"/>; an error when the chain refuses the subject.</summary>
    /// <param name="subject">The subject identity, by id or DID (exactly one).</param>
    /// <param name="grant">The role and scope to attest; already checked against <see cref="Roles"/>.</param>
    /// <param name="validFor">Validity, positive.</param>
    /// <param name="cancellationToken">Cancels the chain reads.</param>
    /// <exception cref="Ledger.LedgerUnavailableException">The chain cannot be read.</exception>
    Task<Result<IssuedCredential>> IssueAsync(CredentialSubjectReference subject, RoleGrant grant, TimeSpan validFor, CancellationToken cancellationToken);
}

/// <summary>
/// Verifies a VC-JWT: ES256K only, the signature recovers to the issuer DID's address, the issuer is a control plane on
/// this chain (this one, or another holding REGISTRAR_ROLE on the IdentityRegistry), the time window holds, and, read
/// from the chain now, the subject identity is Active and still holds the role.
/// </summary>
public interface ICredentialVerifier
{
    /// <summary>Verifies a compact VC-JWT; never throws for a bad token, the outcome names every reason it fails.</summary>
    /// <exception cref="Ledger.LedgerUnavailableException">The chain cannot be read, so the subject's status is unknown.</exception>
    Task<CredentialVerification> VerifyAsync(string jwt, CancellationToken cancellationToken);
}
