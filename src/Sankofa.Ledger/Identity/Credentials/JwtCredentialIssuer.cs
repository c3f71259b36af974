using Microsoft.Extensions.Logging;
using Sankofa.Core;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Credentials;
using Sankofa.Ledger.Hosting;

namespace Sankofa.Ledger.Identity.Credentials;

/// <summary>
/// Issues role credentials as VC-JWTs signed ES256K with the control plane's ledger key, whose did:ethr is the issuer.
/// The chain is asked first: the subject must be a registered identity, Active, holding the role within the scope;
/// a control plane attests only what the chain already says.
/// </summary>
internal sealed partial class JwtCredentialIssuer(LedgerRuntime runtime, IIdentityLedger identities, TimeProvider time, ILogger<JwtCredentialIssuer> logger)
    : ICredentialIssuer
{
    public async Task<Result<IssuedCredential>> IssueAsync(
        CredentialSubjectReference subject, RoleGrant grant, TimeSpan validFor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validFor, TimeSpan.Zero);
        var connection = runtime.Connection;
        string field;
        string described;
        OnChainIdentity? identity;
        if (subject.Did is { } did)
        {
            field = "subjectDid";
            described = did.ToString();
            if (did.ChainId is { } chainId && chainId != connection.ChainId)
            {
                return Error.Of(ErrorKind.NotFound, field, $"{did} names chain {chainId}; this control plane is on chain {connection.ChainId}.");
            }

            identity = await identities.FindByControllerAsync(did.Address, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            field = "subjectIdentityId";
            described = $"identity '{subject.IdentityId}'";
            identity = await identities.GetAsync(subject.IdentityId!, cancellationToken).ConfigureAwait(false);
        }

        if (identity is null)
        {
            return Error.Of(ErrorKind.NotFound, field, $"The chain knows no {(subject.Did is null ? described : "identity controlled by " + described)}.");
        }

        if (identity.Status != IdentityStatus.Active)
        {
            return Error.Of(ErrorKind.NotActive, field, $"The chain says {described} is {identity.Status.ToWord()}; only Active identities get credentials.");
        }

        if (!OnChainChecks.HoldsRole(identity, grant))
        {
            return Error.Of(ErrorKind.RoleNotGranted, "role", $"The chain does not grant {described} {OnChainChecks.Describe(grant)}; grant the role first.");
        }

        // NumericDate has whole seconds: cut the fractions so the credential returned is exactly what the JWT says.
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var seconds = Math.Max(1, (long)Math.Ceiling(validFor.TotalSeconds));
        var credential = new RoleCredential(
            "urn:uuid:" + Guid.NewGuid().ToString("D"),
            EthrDid.For(connection.ChainId, connection.SignerAddress).ToString(),
            EthrDid.For(connection.ChainId, identity.Controller).ToString(),
            grant,
            now,
            now,
            now.AddSeconds(seconds));
        var jwt = VcJwt.Encode(credential, connection.Gateway.Signer.Key);
        Log.Issued(logger, credential.Id, credential.Subject, grant.ToClaim(), credential.ValidUntil);
        return Result<IssuedCredential>.Ok(new IssuedCredential(jwt, credential));
    }

    private static partial class Log
    {
        [LoggerMessage(90, LogLevel.Information, "Issued credential {CredentialId} to {Subject}: {Grant}, valid until {ValidUntil:u}")]
        public static partial void Issued(ILogger logger, string credentialId, string subject, string grant, DateTimeOffset validUntil);
    }
}
