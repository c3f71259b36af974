using Sankofa.Core.Access;
namespace Sankofa.Core.Identity.Credentials;

/// <summary>
/// A W3C verifiable credential (data model 1.1) of type <see cref="Type"/>: the issuer, a control plane, attests that
/// the subject's identity holds a role within a scope, e.g. tenant-admin of tenant X. It travels as a VC-JWT.
/// </summary>
/// <param name="Id">The credential's id, <c>urn:uuid:…</c>; the JWT's <c>jti</c>.</param>
/// <param name="Issuer">The issuing control plane's DID; the JWT's <c>iss</c>.</param>
/// <param name="Subject">The subject identity's DID (with chain id); the JWT's <c>sub</c> and <c>credentialSubject.id</c>.</param>
/// <param name="Grant">The role and scope attested.</param>
/// <param name="IssuedAt">When it was signed; <c>iat</c>.</param>
/// <param name="ValidFrom">Not valid before; <c>nbf</c>, the data model's issuanceDate.</param>
/// <param name="ValidUntil">Not valid from; <c>exp</c>, the data model's expirationDate.</param>
public sealed record RoleCredential(string Id, string Issuer, string Subject, RoleGrant Grant, DateTimeOffset IssuedAt, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil)
{
    /// <summary>The credential type beside <c>VerifiableCredential</c>.</summary>
    public const string Type = "SankofaRoleCredential";

    /// <summary>The base type every verifiable credential carries.</summary>
    public const string BaseType = "VerifiableCredential";

    /// <summary>The VC data model 1.1 context.</summary>
    public const string Context = "https://www.w3.org/2018/credentials/v1";
}

/// <summary>A credential as issued: the compact VC-JWT and what it says.</summary>
/// <param name="Jwt">The JWS compact serialisation (header.payload.signature), signed ES256K.</param>
/// <param name="Credential">The decoded credential.</param>
public sealed record IssuedCredential(string Jwt, RoleCredential Credential);

/// <summary>Whom a credential is for: an identity id known to this control plane, or an identity's DID.</summary>
/// <param name="IdentityId">The identity id (as registered on chain), or null.</param>
/// <param name="Did">The identity's DID, or null.</param>
public sealed record CredentialSubjectReference(string? IdentityId, EthrDid? Did);

/// <summary>A request to issue a role credential, as the API receives it (validated by <see cref="CredentialService"/>).</summary>
/// <param name="SubjectIdentityId">The subject's identity id; give this or <paramref name="SubjectDid"/>.</param>
/// <param name="SubjectDid">The subject's did:ethr; give this or <paramref name="SubjectIdentityId"/>.</param>
/// <param name="Role">One of <see cref="Roles.All"/>.</param>
/// <param name="Scope">Tenant or site id for scoped roles; absent for platform-wide ones.</param>
/// <param name="ValidFor">How long the credential is valid; default <see cref="CredentialOptions.DefaultValidity"/>.</param>
public sealed record CredentialRequest(string? SubjectIdentityId, string? SubjectDid, string? Role, string? Scope, TimeSpan? ValidFor);
