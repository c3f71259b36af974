using Sankofa.Core.Access;
using Sankofa.Core.Identity.Credentials;

namespace Sankofa.Core.Tests.Identity.Fakes;

/// <summary>The credential issuer port without a chain: issues a fixed JWT for the request, or the refusal it is given.</summary>
internal sealed class FakeCredentialIssuer : ICredentialIssuer
{
    public const string Jwt = "header.payload.signature";

    public Error? Refusal { get; set; }

    public List<(CredentialSubjectReference Subject, RoleGrant Grant, TimeSpan ValidFor)> Calls { get; } = [];

    public Task<Result<IssuedCredential>> IssueAsync(CredentialSubjectReference subject, RoleGrant grant, TimeSpan validFor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        Calls.Add((subject, grant, validFor));
        if (Refusal is { } refusal)
        {
            return Task.FromResult<Result<IssuedCredential>>(refusal);
        }

        var from = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var credential = new RoleCredential("urn:uuid:1", "did:ethr:0x1", subject.Did?.ToString() ?? "did:ethr:" + subject.IdentityId, grant, from, from, from + validFor);
        return Task.FromResult(Result<IssuedCredential>.Ok(new IssuedCredential(Jwt, credential)));
    }
}
