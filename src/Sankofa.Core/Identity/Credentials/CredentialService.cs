using Sankofa.Core.Access;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sankofa.Core.Audit;

namespace Sankofa.Core.Identity.Credentials;

/// <summary>
/// Issues role credentials: checks the request (subject, role and scope as <see cref="RoleGrant"/> allows them, validity
/// within <see cref="CredentialOptions.MaxValidity"/>), has the ledger check the chain and sign, and records every
/// issuance in the audit log before the credential is handed out: its id and the SHA-256 of the JWT, never the JWT.
/// </summary>
public sealed class CredentialService
{
    /// <summary>The audit action of an issuance.</summary>
    public const string IssuedAction = "identity.credential.issued";

    private const int MaxIdLength = 256;

    private readonly ICredentialIssuer _issuer;
    private readonly IAuditLog _audit;
    private readonly CredentialOptions _options;

    /// <summary>Creates the service.</summary>
    public CredentialService(ICredentialIssuer issuer, IAuditLog audit, CredentialOptions options)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(options);
        _issuer = issuer;
        _audit = audit;
        _options = options;
    }

    /// <summary>Validates and issues; a <see cref="Error"/> names the fields at fault or the chain's objection.</summary>
    /// <param name="actor">Who asks, for the audit entry.</param>
    /// <param name="request">The request as received.</param>
    /// <param name="cancellationToken">Cancels the chain reads and the audit write.</param>
    /// <exception cref="Ledger.LedgerUnavailableException">The chain cannot be read.</exception>
    public async Task<Result<IssuedCredential>> IssueAsync(string actor, CredentialRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        var subject = Subject(request, errors);
        var grant = Grant(request, errors);
        var validFor = request.ValidFor ?? _options.DefaultValidity;
        if (validFor <= TimeSpan.Zero || validFor > _options.MaxValidity)
        {
            errors["validFor"] = [$"Must be positive and at most {_options.MaxValidity} (d.hh:mm:ss)."];
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var result = await _issuer.IssueAsync(subject!, grant!, validFor, cancellationToken).ConfigureAwait(false);
        if (result.Value is { } issued)
        {
            // Recorded before the credential leaves: if the audit log cannot take it, the caller gets an error and no credential.
            var credential = issued.Credential;
            var payload = JsonSerializer.Serialize(new
            {
                id = credential.Id,
                jwtSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(issued.Jwt))),
                issuer = credential.Issuer,
                subject = credential.Subject,
                subjectIdentityId = request.SubjectIdentityId,
                role = credential.Grant.Role,
                scope = credential.Grant.Scope,
                validFrom = credential.ValidFrom,
                validUntil = credential.ValidUntil,
            });
            await _audit.AppendAsync(new AuditEvent(actor, IssuedAction, credential.Subject, payload), cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private static CredentialSubjectReference? Subject(CredentialRequest request, Dictionary<string, string[]> errors)
    {
        switch (request.SubjectIdentityId, request.SubjectDid)
        {
            case (null, null):
                errors["subjectIdentityId"] = ["Give subjectIdentityId or subjectDid."];
                return null;
            case (not null, not null):
                errors["subjectDid"] = ["Give subjectIdentityId or subjectDid, not both."];
                return null;
            case (null, var did):
                if (!EthrDid.TryParse(did, out var parsed, out var problem))
                {
                    errors["subjectDid"] = [problem];
                    return null;
                }

                return new CredentialSubjectReference(null, parsed);
            case (var id, null):
                if (Name(id) is { } idProblem)
                {
                    errors["subjectIdentityId"] = [idProblem];
                    return null;
                }

                return new CredentialSubjectReference(id, null);
        }
    }

    private static RoleGrant? Grant(CredentialRequest request, Dictionary<string, string[]> errors)
    {
        var role = request.Role;
        if (string.IsNullOrWhiteSpace(role) || !Roles.All.Contains(role))
        {
            errors["role"] = [$"One of: {string.Join(", ", Roles.All)}."];
            return null;
        }

        var scope = request.Scope;
        if (scope is not null && Name(scope) is { } problem)
        {
            errors["scope"] = [problem + " Leave scope out for a platform-wide role."];
            return null;
        }

        if (scope is null && Roles.IsScoped(role))
        {
            errors["scope"] = [$"Required for {role}: the {(role == Roles.SiteAgent ? "site" : "tenant")} id it is granted within."];
            return null;
        }

        if (scope is not null && Roles.IsPlatformOnly(role))
        {
            errors["scope"] = [$"{role} is platform-wide; leave scope out."];
            return null;
        }

        return new RoleGrant(role, scope);
    }

    private static string? Name(string value) =>
        string.IsNullOrWhiteSpace(value) ? "Must not be empty."
        : value.Length > MaxIdLength ? $"At most {MaxIdLength} characters."
        : value.Any(char.IsControl) ? "Must not contain control characters."
        : null;
}
