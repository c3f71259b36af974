using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Credentials;
using Sankofa.Ledger.Hosting;

namespace Sankofa.Ledger.Identity.Credentials;

/// <summary>
/// Verifies VC-JWTs. In order, stopping where the rest could not be trusted: well formed; alg ES256K and nothing else
/// (never <c>none</c>); the signature recovers to the issuer DID's address; the issuer is a control plane on this chain.
/// Then every remaining reason is collected: the time window (with <see cref="CredentialOptions.ClockSkew"/>) and the
/// subject as the chain holds it now (Active, still holding the role), so a suspension or revocation anywhere on the
/// chain fails its credentials at once, and a reinstatement makes them valid again.
/// </summary>
internal sealed partial class JwtCredentialVerifier(
    LedgerRuntime runtime, IIdentityLedger identities, TimeProvider time, IOptions<CredentialOptions> options, ILogger<JwtCredentialVerifier> logger)
    : ICredentialVerifier
{
    public async Task<CredentialVerification> VerifyAsync(string jwt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        var settings = options.Value;
        if (jwt.Length > settings.MaxJwtLength)
        {
            return Refused(CredentialProblemCode.Malformed, $"Longer than {settings.MaxJwtLength} characters.", null, null, null);
        }

        if (!VcJwt.TryParse(jwt, out var token, out var problem))
        {
            return Refused(CredentialProblemCode.Malformed, problem, null, null, null);
        }

        var issuer = token.ClaimString("iss");
        var subject = token.ClaimString("sub");
        var algorithm = token.HeaderString("alg");
        if (algorithm != Es256K.Algorithm)
        {
            return Refused(CredentialProblemCode.UnsupportedAlgorithm,
                $"Header 'alg' is {(algorithm is null ? "missing" : $"'{algorithm}'")}; credentials are signed {Es256K.Algorithm} and nothing else is accepted.",
                issuer, subject, null);
        }

        if (!VcJwt.TryReadCredential(token.Claims, out var credential, out problem))
        {
            return Refused(CredentialProblemCode.Malformed, problem, issuer, subject, null);
        }

        if (token.HeaderString("typ") is { } typ && typ != "JWT")
        {
            return Refused(CredentialProblemCode.Malformed, $"Header 'typ' is '{typ}', not JWT.", issuer, subject, credential);
        }

        if (token.Header.TryGetProperty("kid", out _) && token.HeaderString("kid") != credential.Issuer + EthrDid.ControllerFragment)
        {
            return Refused(CredentialProblemCode.Malformed, $"Header 'kid' must name the issuer's key, {credential.Issuer}{EthrDid.ControllerFragment}.", issuer, subject, credential);
        }

        var connection = runtime.Connection;
        if (!EthrDid.TryParse(credential.Issuer, out var issuerDid, out problem) || issuerDid.ChainId is { } other && other != connection.ChainId)
        {
            return Refused(CredentialProblemCode.UntrustedIssuer,
                problem is null ? $"The issuer is on chain {issuerDid!.ChainId}; this control plane trusts issuers on chain {connection.ChainId}." : $"The issuer is not a did:ethr: {problem}",
                issuer, subject, credential);
        }

        if (!Es256K.IsSignedBy(token.Signature, token.SigningInput, issuerDid.Address))
        {
            return Refused(CredentialProblemCode.BadSignature,
                $"The signature is not {issuerDid}'s over this header and payload: the token was changed or signed by another key.", issuer, subject, credential);
        }

        if (!await OnChainChecks.IsControlPlaneAsync(connection, issuerDid.Address, cancellationToken).ConfigureAwait(false))
        {
            return Refused(CredentialProblemCode.UntrustedIssuer,
                $"{issuerDid} is no control plane on this chain (neither this one nor a registrar of its IdentityRegistry).", issuer, subject, credential);
        }

        var reasons = new List<CredentialProblem>();
        var now = time.GetUtcNow();
        if (now + settings.ClockSkew < credential.ValidFrom)
        {
            reasons.Add(new(CredentialProblemCode.NotYetValid, $"Not valid before {credential.ValidFrom:u}."));
        }

        if (now - settings.ClockSkew >= credential.ValidUntil)
        {
            reasons.Add(new(CredentialProblemCode.Expired, $"Expired at {credential.ValidUntil:u}."));
        }

        IdentityStatus? status = null;
        if (!EthrDid.TryParse(credential.Subject, out var subjectDid, out problem) || subjectDid.ChainId is { } subjectChain && subjectChain != connection.ChainId)
        {
            reasons.Add(new(CredentialProblemCode.SubjectUnknown, problem ?? $"The subject is on chain {subjectDid!.ChainId}, not this one ({connection.ChainId})."));
        }
        else if (await identities.FindByControllerAsync(subjectDid.Address, cancellationToken).ConfigureAwait(false) is not { } identity)
        {
            reasons.Add(new(CredentialProblemCode.SubjectUnknown, $"No identity on chain is controlled by {subjectDid.Address}."));
        }
        else
        {
            status = identity.Status;
            switch (identity.Status)
            {
                case IdentityStatus.Suspended:
                    reasons.Add(new(CredentialProblemCode.SubjectSuspended, "The subject's identity is suspended on chain."));
                    break;
                case IdentityStatus.Revoked:
                    reasons.Add(new(CredentialProblemCode.SubjectRevoked, "The subject's identity is revoked on chain, for good."));
                    break;
                default:
                    if (!OnChainChecks.HoldsRole(identity, credential.Grant))
                    {
                        reasons.Add(new(CredentialProblemCode.RoleNotGranted, $"The chain no longer grants the subject {OnChainChecks.Describe(credential.Grant)}."));
                    }

                    break;
            }
        }

        if (reasons.Count > 0)
        {
            Log.Invalid(logger, credential.Id, string.Join(", ", reasons.Select(r => r.Code)));
        }

        return new CredentialVerification(reasons, issuer, subject, credential, status);
    }

    private CredentialVerification Refused(CredentialProblemCode code, string message, string? issuer, string? subject, RoleCredential? credential)
    {
        Log.Invalid(logger, credential?.Id ?? "(unreadable)", code.ToString());
        return new CredentialVerification([new CredentialProblem(code, message)], issuer, subject, credential, null);
    }

    private static partial class Log
    {
        // Never the token: its id and why it failed are enough to follow up.
        [LoggerMessage(91, LogLevel.Debug, "Credential {CredentialId} is not valid: {Reasons}")]
        public static partial void Invalid(ILogger logger, string credentialId, string reasons);
    }
}
