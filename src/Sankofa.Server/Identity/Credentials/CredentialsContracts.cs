using System.Text.Json.Serialization;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Credentials;

namespace Sankofa.Server.Identity.Credentials;

/// <summary>Body of <c>POST /api/v1/credentials</c>.</summary>
/// <param name="SubjectIdentityId">The subject's identity id; give this or <paramref name="SubjectDid"/>.</param>
/// <param name="SubjectDid">The subject's did:ethr; give this or <paramref name="SubjectIdentityId"/>.</param>
/// <param name="Role">platform-admin, tenant-admin, operator, auditor, viewer or site-agent.</param>
/// <param name="Scope">Tenant id (site id for site-agent); left out for platform-wide roles.</param>
/// <param name="ValidFor">Validity as d.hh:mm:ss; default Credentials:DefaultValidity.</param>
public sealed record IssueCredentialBody(string? SubjectIdentityId, string? SubjectDid, string? Role, string? Scope, TimeSpan? ValidFor);

/// <summary>Body of <c>POST /api/v1/credentials/verify</c>.</summary>
/// <param name="Jwt">The VC-JWT to verify.</param>
public sealed record VerifyCredentialBody(string? Jwt);

/// <summary>An issued credential: the JWT to hand to the subject, and what it says.</summary>
/// <param name="Jwt">Compact VC-JWT, ES256K.</param>
/// <param name="Credential">The credential as the W3C data model (1.1) shows it.</param>
public sealed record IssuedCredentialResponse(string Jwt, VerifiableCredentialResponse Credential);

/// <summary>A verifiable credential in the W3C VC data model 1.1 JSON form, decoded from its JWT.</summary>
/// <param name="Context">JSON-LD contexts.</param>
/// <param name="Id">Credential id (the JWT's jti).</param>
/// <param name="Type">VerifiableCredential, SankofaRoleCredential.</param>
/// <param name="Issuer">Issuer DID (iss).</param>
/// <param name="IssuanceDate">Valid from (nbf).</param>
/// <param name="ExpirationDate">Valid until (exp).</param>
/// <param name="CredentialSubject">Whom it is about and what it attests.</param>
public sealed record VerifiableCredentialResponse(
    [property: JsonPropertyName("@context")] IReadOnlyList<string> Context,
    string Id,
    IReadOnlyList<string> Type,
    string Issuer,
    DateTimeOffset IssuanceDate,
    DateTimeOffset ExpirationDate,
    CredentialSubjectResponse CredentialSubject);

/// <summary>The subject of a role credential.</summary>
/// <param name="Id">Subject DID.</param>
/// <param name="Role">Role attested.</param>
/// <param name="Scope">Tenant or site id; null platform-wide.</param>
public sealed record CredentialSubjectResponse(string Id, string Role, string? Scope);

/// <summary>Outcome of a verification.</summary>
/// <param name="Valid">True only when there are no reasons.</param>
/// <param name="Reasons">Why it is not valid.</param>
/// <param name="Issuer">The iss claim, when readable.</param>
/// <param name="Subject">The sub claim, when readable.</param>
/// <param name="SubjectStatus">The subject identity's status on chain, when it was looked up.</param>
/// <param name="Credential">The credential, when the token is well formed.</param>
public sealed record CredentialVerificationResponse(
    bool Valid, IReadOnlyList<CredentialReasonResponse> Reasons, string? Issuer, string? Subject, IdentityStatus? SubjectStatus, VerifiableCredentialResponse? Credential);

/// <summary>One reason a credential is not valid.</summary>
/// <param name="Code">malformed, unsupportedAlgorithm, badSignature, untrustedIssuer, notYetValid, expired, subjectUnknown, subjectSuspended, subjectRevoked or roleNotGranted.</param>
/// <param name="Message">For a person.</param>
public sealed record CredentialReasonResponse(CredentialProblemCode Code, string Message);

/// <summary>A W3C DID resolution result.</summary>
/// <param name="Context">The DID resolution context.</param>
/// <param name="DidDocument">The DID document.</param>
/// <param name="DidResolutionMetadata">How it was resolved.</param>
/// <param name="DidDocumentMetadata">Status on chain; <c>deactivated</c> while suspended and once revoked.</param>
public sealed record DidResolutionResponse(
    [property: JsonPropertyName("@context")] string Context,
    DidDocumentResponse DidDocument,
    DidResolutionMetadataResponse DidResolutionMetadata,
    DidDocumentMetadata DidDocumentMetadata);

/// <summary>A DID document (W3C DID Core, JSON-LD).</summary>
/// <param name="Context">JSON-LD contexts.</param>
/// <param name="Id">The DID.</param>
/// <param name="VerificationMethod">The controller key, as an EcdsaSecp256k1RecoveryMethod2020 with its CAIP-10 account.</param>
/// <param name="Authentication">Methods that authenticate as the DID.</param>
/// <param name="AssertionMethod">Methods that may sign credentials for the DID.</param>
public sealed record DidDocumentResponse(
    [property: JsonPropertyName("@context")] IReadOnlyList<string> Context,
    string Id,
    IReadOnlyList<VerificationMethod> VerificationMethod,
    IReadOnlyList<string> Authentication,
    IReadOnlyList<string> AssertionMethod);

/// <summary>DID resolution metadata.</summary>
/// <param name="ContentType">Representation of the document: application/did+ld+json.</param>
public sealed record DidResolutionMetadataResponse(string ContentType);

internal static class CredentialsMapping
{
    public const string ResolutionContext = "https://w3id.org/did-resolution/v1";

    public static VerifiableCredentialResponse ToResponse(this RoleCredential credential) => new(
        [RoleCredential.Context],
        credential.Id,
        [RoleCredential.BaseType, RoleCredential.Type],
        credential.Issuer,
        credential.ValidFrom,
        credential.ValidUntil,
        new CredentialSubjectResponse(credential.Subject, credential.Grant.Role, credential.Grant.Scope));

    public static CredentialVerificationResponse ToResponse(this CredentialVerification verification) => new(
        verification.Valid,
        [.. verification.Reasons.Select(r => new CredentialReasonResponse(r.Code, r.Message))],
        verification.Issuer,
        verification.Subject,
        verification.SubjectStatus,
        verification.Credential?.ToResponse());

    public static DidResolutionResponse ToResponse(this DidResolution resolution) => new(
        ResolutionContext,
        new DidDocumentResponse(
            DidDocument.Context, resolution.Document.Id, resolution.Document.VerificationMethod, resolution.Document.Authentication, resolution.Document.AssertionMethod),
        new DidResolutionMetadataResponse("application/did+ld+json"),
        resolution.Metadata);
}
