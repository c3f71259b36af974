using System.Buffers.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Sankofa.Core;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Credentials;
using Sankofa.Ledger.Identity.Credentials;
using Sankofa.Ledger.Keys;
using static Sankofa.Ledger.Tests.Identity.Credentials.CredentialTestKit;

namespace Sankofa.Ledger.Tests.Identity.Credentials;

/// <summary>Role credentials as VC-JWT, issued and verified against a real anvil's IdentityRegistry.</summary>
public sealed class CredentialTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private CredentialTestKit Kit => new(fixture.Host);

    [Fact]
    public async Task An_issued_credential_is_an_ES256K_VC_JWT_from_the_control_plane_that_verifies_valid()
    {
        var kit = Kit;
        var identity = await kit.RegisterAsync(new RoleGrant(Roles.TenantAdmin, "tenant-x"));

        var issued = await kit.IssueAsync(identity, validFor: TimeSpan.FromHours(8));
        var verification = await kit.Verifier().VerifyAsync(issued.Jwt, None);

        var issuer = $"did:ethr:0x7a69:{kit.Connection.SignerAddress.ToLowerInvariant()}";
        var parts = issued.Jwt.Split('.');
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        Assert.Equal("ES256K", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.RootElement.GetProperty("typ").GetString());
        Assert.Equal(issuer + "#controller", header.RootElement.GetProperty("kid").GetString());
        var signature = Base64Url.DecodeFromChars(parts[2]);
        Assert.Equal(64, signature.Length);
        Assert.True(Es256K.IsLowS(signature));
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var claims = payload.RootElement;
        Assert.Equal(issuer, claims.GetProperty("iss").GetString());
        Assert.Equal(identity.Did.ToString(), claims.GetProperty("sub").GetString());
        Assert.Equal(8 * 3600, claims.GetProperty("exp").GetInt64() - claims.GetProperty("nbf").GetInt64());
        Assert.StartsWith("urn:uuid:", claims.GetProperty("jti").GetString(), StringComparison.Ordinal);
        var vc = claims.GetProperty("vc");
        Assert.Equal("https://www.w3.org/2018/credentials/v1", vc.GetProperty("@context")[0].GetString());
        Assert.Equal(["VerifiableCredential", "SankofaRoleCredential"], vc.GetProperty("type").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(identity.Did.ToString(), vc.GetProperty("credentialSubject").GetProperty("id").GetString());
        Assert.Equal("tenant-admin", vc.GetProperty("credentialSubject").GetProperty("role").GetString());
        Assert.Equal("tenant-x", vc.GetProperty("credentialSubject").GetProperty("scope").GetString());

        Assert.True(verification.Valid, string.Join("; ", verification.Reasons));
        Assert.Equal(issued.Credential, verification.Credential);
        Assert.Equal(issuer, verification.Issuer);
        Assert.Equal(IdentityStatus.Active, verification.SubjectStatus);
    }

    [Fact]
    public async Task A_credential_can_be_asked_for_by_DID_and_a_platform_wide_role_carries_no_scope()
    {
        var kit = Kit;
        var identity = await kit.RegisterAsync(new RoleGrant(Roles.Auditor));

        var result = await kit.Issuer().IssueAsync(new CredentialSubjectReference(null, identity.Did), identity.Grant, TimeSpan.FromDays(1), None);

        Assert.Null(result.Error);
        Assert.Null(result.Value!.Credential.Grant.Scope);
        Assert.DoesNotContain("scope", JsonDocument.Parse(Base64Url.DecodeFromChars(result.Value.Jwt.Split('.')[1])).RootElement.GetProperty("vc").GetRawText(), StringComparison.Ordinal);
        Assert.True((await kit.Verifier().VerifyAsync(result.Value.Jwt, None)).Valid);
    }

    [Fact]
    public async Task Issuing_is_refused_for_an_identity_the_chain_does_not_know_is_not_active_in_or_that_lacks_the_role()
    {
        var kit = Kit;
        var issuer = kit.Issuer();
        var suspended = await kit.RegisterAsync();
        await kit.Identities.SuspendAsync(suspended.Id, None);
        var holder = await kit.RegisterAsync(new RoleGrant(Roles.Viewer, "tenant-a"));
        using var stranger = SigningKey.Generate();

        var unknownId = await issuer.IssueAsync(new CredentialSubjectReference("idn-never-registered-" + Guid.NewGuid().ToString("N"), null), new RoleGrant(Roles.Viewer, "t"), TimeSpan.FromDays(1), None);
        var unknownDid = await issuer.IssueAsync(new CredentialSubjectReference(null, EthrDid.For(31337, stranger.Address)), new RoleGrant(Roles.Viewer, "t"), TimeSpan.FromDays(1), None);
        var notActive = await issuer.IssueAsync(new CredentialSubjectReference(suspended.Id, null), suspended.Grant, TimeSpan.FromDays(1), None);
        var otherTenant = await issuer.IssueAsync(new CredentialSubjectReference(holder.Id, null), new RoleGrant(Roles.Viewer, "tenant-b"), TimeSpan.FromDays(1), None);
        var otherRole = await issuer.IssueAsync(new CredentialSubjectReference(holder.Id, null), new RoleGrant(Roles.TenantAdmin, "tenant-a"), TimeSpan.FromDays(1), None);

        Assert.Equal(ErrorKind.NotFound, unknownId.Error!.Kind);
        Assert.Contains("subjectIdentityId", unknownId.Error.Fields.Keys);
        Assert.Equal(ErrorKind.NotFound, unknownDid.Error!.Kind);
        Assert.Contains("subjectDid", unknownDid.Error.Fields.Keys);
        Assert.Equal(ErrorKind.NotActive, notActive.Error!.Kind);
        Assert.Contains("suspended", notActive.Error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorKind.RoleNotGranted, otherTenant.Error!.Kind);
        Assert.Equal(ErrorKind.RoleNotGranted, otherRole.Error!.Kind);
        Assert.Contains("role", otherRole.Error.Fields.Keys);
    }

    [Fact]
    public async Task A_changed_payload_fails_as_a_bad_signature()
    {
        var kit = Kit;
        var issued = await kit.IssueAsync(await kit.RegisterAsync());

        var otherTenant = WithPayload(issued.Jwt, p => p["vc"]!["credentialSubject"]!["scope"] = "tenant-of-someone-else");
        var lengthened = WithPayload(issued.Jwt, p => p["exp"] = p["exp"]!.GetValue<long>() + 86_400);

        AssertFails(await kit.Verifier().VerifyAsync(otherTenant, None), CredentialProblemCode.BadSignature);
        AssertFails(await kit.Verifier().VerifyAsync(lengthened, None), CredentialProblemCode.BadSignature);
    }

    [Fact]
    public async Task A_changed_signature_fails_and_so_does_its_high_S_twin()
    {
        var kit = Kit;
        var issued = await kit.IssueAsync(await kit.RegisterAsync());
        var parts = issued.Jwt.Split('.');
        var signature = Base64Url.DecodeFromChars(parts[2]);
        var flipped = (byte[])signature.Clone();
        flipped[10] ^= 0x01;
        // s' = n - s verifies the same under plain ECDSA; ES256K asks for low S so only one form is accepted.
        var n = System.Numerics.BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
        var s = new System.Numerics.BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var twin = (byte[])signature.Clone();
        (n - s).ToByteArray(isUnsigned: true, isBigEndian: true).CopyTo(twin.AsSpan(32));

        AssertFails(await kit.Verifier().VerifyAsync($"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(flipped)}", None), CredentialProblemCode.BadSignature);
        AssertFails(await kit.Verifier().VerifyAsync($"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(twin)}", None), CredentialProblemCode.BadSignature);
        AssertFails(await kit.Verifier().VerifyAsync($"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(signature[..63])}", None), CredentialProblemCode.BadSignature);
    }

    [Fact]
    public async Task Alg_none_and_other_algorithms_are_refused_before_anything_else_is_believed()
    {
        var kit = Kit;
        var issued = await kit.IssueAsync(await kit.RegisterAsync());
        var issuer = issued.Credential.Issuer;

        var none = WithHeader(issued.Jwt, """{"alg":"none","typ":"JWT"}""", signature: "");
        var hs256 = WithHeader(issued.Jwt, $$"""{"alg":"HS256","typ":"JWT","kid":"{{issuer}}#controller"}""");
        var missing = WithHeader(issued.Jwt, """{"typ":"JWT"}""");

        var verification = await kit.Verifier().VerifyAsync(none, None);
        AssertFails(verification, CredentialProblemCode.UnsupportedAlgorithm);
        Assert.Contains("'none'", verification.Reasons[0].Message, StringComparison.Ordinal);
        Assert.Null(verification.Credential);
        AssertFails(await kit.Verifier().VerifyAsync(hs256, None), CredentialProblemCode.UnsupportedAlgorithm);
        AssertFails(await kit.Verifier().VerifyAsync(missing, None), CredentialProblemCode.UnsupportedAlgorithm);
    }

    [Fact]
    public async Task A_credential_signed_by_another_key_fails_whether_it_claims_the_control_plane_or_names_itself()
    {
        var kit = Kit;
        var identity = await kit.RegisterAsync();
        var genuine = await kit.IssueAsync(identity);
        using var forger = SigningKey.Generate();
        var forgerDid = EthrDid.For(31337, forger.Address).ToString();

        var impersonating = VcJwt.Encode(genuine.Credential with { Id = "urn:uuid:" + Guid.NewGuid() }, forger);
        var selfIssued = VcJwt.Encode(genuine.Credential with { Issuer = forgerDid }, forger);

        AssertFails(await kit.Verifier().VerifyAsync(impersonating, None), CredentialProblemCode.BadSignature);
        var untrusted = await kit.Verifier().VerifyAsync(selfIssued, None);
        AssertFails(untrusted, CredentialProblemCode.UntrustedIssuer);
        Assert.Equal(forgerDid, untrusted.Issuer);
    }

    [Fact]
    public async Task Another_control_plane_granted_REGISTRAR_ROLE_on_the_shared_registry_is_a_trusted_issuer()
    {
        var kit = Kit;
        var identity = await kit.RegisterAsync();
        using var region = SigningKey.Generate();
        var regionDid = EthrDid.For(31337, region.Address);
        var credential = (await kit.IssueAsync(identity)).Credential with { Issuer = regionDid.ToString() };

        var before = await kit.Verifier().VerifyAsync(VcJwt.Encode(credential, region), None);
        await kit.Identities.GrantRegistrarAsync(region.Address, None);
        var after = await kit.Verifier().VerifyAsync(VcJwt.Encode(credential, region), None);
        var resolved = await kit.Resolver.ResolveAsync(regionDid, None);

        AssertFails(before, CredentialProblemCode.UntrustedIssuer);
        Assert.True(after.Valid, string.Join("; ", after.Reasons));
        Assert.True(resolved!.Metadata.ControlPlane);
    }

    [Fact]
    public async Task An_expired_credential_and_one_not_yet_valid_fail_with_their_dates()
    {
        var kit = Kit;
        var identity = await kit.RegisterAsync();
        var now = DateTimeOffset.UtcNow;

        var expired = await kit.IssueAsync(identity, new FakeTimeProvider(now.AddDays(-3)), TimeSpan.FromDays(1));
        var early = await kit.IssueAsync(identity, new FakeTimeProvider(now.AddDays(2)), TimeSpan.FromDays(1));
        var atExpiry = await kit.Verifier(new FakeTimeProvider(expired.Credential.ValidUntil + new CredentialOptions().ClockSkew)).VerifyAsync(expired.Jwt, None);

        var verification = await kit.Verifier().VerifyAsync(expired.Jwt, None);
        AssertFails(verification, CredentialProblemCode.Expired);
        Assert.Contains(expired.Credential.ValidUntil.ToString("u", System.Globalization.CultureInfo.InvariantCulture), verification.Reasons[0].Message, StringComparison.Ordinal);
        Assert.NotNull(verification.Credential);
        AssertFails(await kit.Verifier().VerifyAsync(early.Jwt, None), CredentialProblemCode.NotYetValid);
        AssertFails(atExpiry, CredentialProblemCode.Expired);
    }

    [Fact]
    public async Task Suspension_fails_the_credential_reinstatement_restores_it_and_revocation_fails_it_for_good()
    {
        var kit = Kit;
        var identity = await kit.RegisterAsync();
        var issued = await kit.IssueAsync(identity);
        var verifier = kit.Verifier();

        await kit.Identities.SuspendAsync(identity.Id, None);
        var suspended = await verifier.VerifyAsync(issued.Jwt, None);
        await kit.Identities.ReinstateAsync(identity.Id, None);
        var reinstated = await verifier.VerifyAsync(issued.Jwt, None);
        await kit.Identities.RevokeAsync(identity.Id, None);
        var revoked = await verifier.VerifyAsync(issued.Jwt, None);
        await Assert.ThrowsAsync<IdentityRefusedException>(() => kit.Identities.ReinstateAsync(identity.Id, None));
        var still = await verifier.VerifyAsync(issued.Jwt, None);

        AssertFails(suspended, CredentialProblemCode.SubjectSuspended);
        Assert.Equal(IdentityStatus.Suspended, suspended.SubjectStatus);
        Assert.True(reinstated.Valid, string.Join("; ", reinstated.Reasons));
        AssertFails(revoked, CredentialProblemCode.SubjectRevoked);
        AssertFails(still, CredentialProblemCode.SubjectRevoked);
        Assert.Equal(IdentityStatus.Revoked, still.SubjectStatus);
    }

    [Fact]
    public async Task Taking_the_role_away_on_chain_fails_credentials_that_attest_it()
    {
        var kit = Kit;
        var identity = await kit.RegisterAsync();
        var issued = await kit.IssueAsync(identity);

        await kit.Identities.RevokeRoleAsync(identity.Id, identity.Grant.Role, identity.Grant.Scope, None);

        AssertFails(await kit.Verifier().VerifyAsync(issued.Jwt, None), CredentialProblemCode.RoleNotGranted);
    }

    [Fact]
    public async Task Malformed_tokens_are_refused_naming_what_is_wrong()
    {
        var kit = Kit;
        var issued = await kit.IssueAsync(await kit.RegisterAsync());
        var parts = issued.Jwt.Split('.');
        var verifier = kit.Verifier();

        var cases = new Dictionary<string, string>
        {
            ["not-a-jwt"] = "three base64url parts",
            [$"{parts[0]}.{parts[1]}"] = "three base64url parts",
            [$"{parts[0]}=.{parts[1]}.{parts[2]}"] = "header is not unpadded base64url",
            [$"{parts[0]}.{Base64Url.EncodeToString("[1,2]"u8)}.{parts[2]}"] = "payload is not a JSON object",
            [$"{parts[0]}.{Base64Url.EncodeToString("""{"iss":"a","iss":"b"}"""u8)}.{parts[2]}"] = "payload is not valid JSON",
            [WithPayload(issued.Jwt, p => p.Remove("vc"))] = "'vc'",
            [WithPayload(issued.Jwt, p => p["vc"]!["credentialSubject"]!["id"] = "did:ethr:0x7a69:0x0000000000000000000000000000000000000001")] = "credentialSubject.id",
            [WithPayload(issued.Jwt, p => p["exp"] = "tomorrow")] = "'exp'",
            [new string('a', 20_000)] = "Longer than",
        };
        foreach (var (jwt, expected) in cases)
        {
            var verification = await verifier.VerifyAsync(jwt, None);
            AssertFails(verification, CredentialProblemCode.Malformed);
            Assert.Contains(expected, verification.Reasons[0].Message, StringComparison.Ordinal);
        }
    }

    private static void AssertFails(CredentialVerification verification, CredentialProblemCode code)
    {
        Assert.False(verification.Valid);
        Assert.Equal(code, Assert.Single(verification.Reasons).Code);
    }
}
