namespace Sankofa.Core.Identity.Credentials;

/// <summary>
/// The outcome of verifying a VC-JWT. <see cref="Valid"/> only with no <see cref="Reasons"/>. Issuer, subject and
/// credential are filled in as far as the token could be read, also when it is invalid, so a caller can say whose it was.
/// </summary>
/// <param name="Reasons">Why it is not valid; empty when it is.</param>
/// <param name="Issuer">The <c>iss</c> claim, when readable.</param>
/// <param name="Subject">The <c>sub</c> claim, when readable.</param>
/// <param name="Credential">The credential, when the token is well formed.</param>
/// <param name="SubjectStatus">The subject identity's status on chain, when it was looked up.</param>
public sealed record CredentialVerification(
    IReadOnlyList<CredentialProblem> Reasons, string? Issuer, string? Subject, RoleCredential? Credential, IdentityStatus? SubjectStatus)
{
    /// <summary>True when nothing is wrong: signed by a trusted control plane, within its validity, and the subject Active with the role.</summary>
    public bool Valid => Reasons.Count == 0;
}

/// <summary>One reason a credential is not valid.</summary>
/// <param name="Code">What kind of problem.</param>
/// <param name="Message">For a person.</param>
public sealed record CredentialProblem(CredentialProblemCode Code, string Message);

/// <summary>Why a credential fails verification.</summary>
public enum CredentialProblemCode
{
    /// <summary>Not a compact JWS, bad base64url or JSON, or a claim missing or of the wrong shape.</summary>
    Malformed,

    /// <summary>The header's <c>alg</c> is not ES256K (including <c>none</c>).</summary>
    UnsupportedAlgorithm,

    /// <summary>The signature is not the issuer DID's key's over this header and payload (tampered, or signed by another key).</summary>
    BadSignature,

    /// <summary>The issuer is no control plane on this chain (neither this one nor a registrar of its IdentityRegistry).</summary>
    UntrustedIssuer,

    /// <summary>Before <c>nbf</c>.</summary>
    NotYetValid,

    /// <summary>At or after <c>exp</c>.</summary>
    Expired,

    /// <summary>No identity on chain is bound to the subject DID.</summary>
    SubjectUnknown,

    /// <summary>The subject identity is suspended on chain; its credentials are valid again once it is reinstated.</summary>
    SubjectSuspended,

    /// <summary>The subject identity is revoked on chain, for good.</summary>
    SubjectRevoked,

    /// <summary>The subject identity no longer holds the role within the scope on chain.</summary>
    RoleNotGranted,
}
