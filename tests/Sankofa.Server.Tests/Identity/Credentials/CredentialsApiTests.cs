using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NBitcoin.Secp256k1;
using SHA256 = System.Security.Cryptography.SHA256;
using Nethereum.KeyStore;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Ledger.Resources;
using Sankofa.Server.Audit;
using Sankofa.Server.Tests.Infrastructure;
using static Sankofa.Server.Tests.Audit.AuditApiTests;

namespace Sankofa.Server.Tests.Identity.Credentials;

/// <summary>
/// DIDs and verifiable credentials over real HTTP against a real server and anvil. Identities are registered straight
/// through IIdentityLedger with fresh keys; forged tokens are signed with NBitcoin's plain ECDSA, independently of the
/// server's own ES256K code.
/// </summary>
public sealed class CredentialsApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private TestServer Server => fixture.Server;

    private IIdentityLedger Identities => Server.Services.GetRequiredService<IIdentityLedger>();

    [Fact]
    public async Task An_identity_DID_resolves_to_a_W3C_document_with_its_controller_address()
    {
        var identity = await RegisterAsync();

        using var response = await Server.Client.GetAsync($"api/v1/dids/{identity.Did}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://w3id.org/did-resolution/v1", body.GetProperty("@context").GetString());
        var document = body.GetProperty("didDocument");
        Assert.Equal("https://www.w3.org/ns/did/v1", document.GetProperty("@context")[0].GetString());
        Assert.Equal(identity.Did, document.GetProperty("id").GetString());
        var method = document.GetProperty("verificationMethod")[0];
        Assert.Equal(identity.Did + "#controller", method.GetProperty("id").GetString());
        Assert.Equal("EcdsaSecp256k1RecoveryMethod2020", method.GetProperty("type").GetString());
        Assert.Equal($"eip155:31337:{identity.Address}", method.GetProperty("blockchainAccountId").GetString());
        Assert.Equal(identity.Did + "#controller", document.GetProperty("assertionMethod")[0].GetString());
        Assert.Equal(identity.Did + "#controller", document.GetProperty("authentication")[0].GetString());
        Assert.Equal("application/did+ld+json", body.GetProperty("didResolutionMetadata").GetProperty("contentType").GetString());
        var metadata = body.GetProperty("didDocumentMetadata");
        Assert.Equal("active", metadata.GetProperty("status").GetString());
        Assert.False(metadata.GetProperty("deactivated").GetBoolean());
    }

    [Fact]
    public async Task The_control_plane_DID_resolves_from_the_ledger_signing_address()
    {
        var ledger = await Server.Client.GetFromJsonAsync<JsonElement>("api/v1/ledger");
        var signer = ledger.GetProperty("signerAddress").GetString()!.ToLowerInvariant();

        var body = await Server.Client.GetFromJsonAsync<JsonElement>($"api/v1/dids/did:ethr:{signer}");

        Assert.Equal($"did:ethr:{signer}", body.GetProperty("didDocument").GetProperty("id").GetString());
        Assert.Equal($"did:ethr:0x7a69:{signer}", body.GetProperty("didDocumentMetadata").GetProperty("canonicalId").GetString());
        Assert.True(body.GetProperty("didDocumentMetadata").GetProperty("controlPlane").GetBoolean());
        Assert.Equal($"eip155:31337:{signer}", body.GetProperty("didDocument").GetProperty("verificationMethod")[0].GetProperty("blockchainAccountId").GetString());
    }

    [Theory]
    [InlineData("did:web:example.org")]
    [InlineData("did:ethr:0x7a69:0x1234")]
    [InlineData("did:ethr:mainnet:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")]
    [InlineData("did:ethr:0x7a69:0x0000000000000000000000000000000000000000")]
    public async Task A_malformed_DID_gets_a_400_naming_the_did(string did)
    {
        using var response = await Server.Client.GetAsync($"api/v1/dids/{Uri.EscapeDataString(did)}");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "did");
        Assert.Equal("invalidDid", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("did:ethr:0x7a69:0x00000000000000000000000000000000000c0de1")]
    [InlineData("did:ethr:0x1:0x00000000000000000000000000000000000c0de2")]
    public async Task A_DID_nothing_on_this_chain_answers_to_gets_a_404_notFound(string did)
    {
        using var response = await Server.Client.GetAsync($"api/v1/dids/{did}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("notFound", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_issued_credential_verifies_valid_and_its_issuance_is_audited_without_the_token()
    {
        var identity = await RegisterAsync(new RoleGrant(Roles.TenantAdmin, "tenant-x"));

        using var issue = await Server.Client.PostAsJsonAsync("api/v1/credentials", new { subjectIdentityId = identity.Id, role = "tenant-admin", scope = "tenant-x", validFor = "7.00:00:00" });
        var issued = await issue.Content.ReadFromJsonAsync<JsonElement>();
        var jwt = issued.GetProperty("jwt").GetString()!;
        var verification = await VerifyAsync(jwt);

        Assert.Equal(HttpStatusCode.Created, issue.StatusCode);
        var credential = issued.GetProperty("credential");
        Assert.Equal("https://www.w3.org/2018/credentials/v1", credential.GetProperty("@context")[0].GetString());
        Assert.Equal(["VerifiableCredential", "SankofaRoleCredential"], credential.GetProperty("type").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(await ControlPlaneDidAsync(), credential.GetProperty("issuer").GetString());
        Assert.Equal(identity.Did, credential.GetProperty("credentialSubject").GetProperty("id").GetString());
        Assert.Equal("tenant-x", credential.GetProperty("credentialSubject").GetProperty("scope").GetString());
        Assert.Equal(TimeSpan.FromDays(7), credential.GetProperty("expirationDate").GetDateTimeOffset() - credential.GetProperty("issuanceDate").GetDateTimeOffset());

        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        Assert.Empty(verification.GetProperty("reasons").EnumerateArray());
        Assert.Equal("active", verification.GetProperty("subjectStatus").GetString());
        Assert.Equal(credential.GetRawText(), verification.GetProperty("credential").GetRawText());

        var audit = await Server.Client.GetFromJsonAsync<AuditPageResponse>($"api/v1/audit/entries?action=identity.credential.issued&subject={Uri.EscapeDataString(identity.Did)}", Json.Options);
        var entry = Assert.Single(audit!.Items);
        using var payload = JsonDocument.Parse(entry.Payload!);
        Assert.Equal(credential.GetProperty("id").GetString(), payload.RootElement.GetProperty("id").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(jwt))), payload.RootElement.GetProperty("jwtSha256").GetString());
        Assert.DoesNotContain(jwt.Split('.')[2], entry.Payload!, StringComparison.Ordinal);
        Assert.DoesNotContain(jwt.Split('.')[1], entry.Payload!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"role":"viewer","scope":"t"}""", "subjectIdentityId")]
    [InlineData("""{"subjectIdentityId":"a","subjectDid":"did:ethr:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed","role":"viewer","scope":"t"}""", "subjectDid")]
    [InlineData("""{"subjectDid":"did:ethr:nope","role":"viewer","scope":"t"}""", "subjectDid")]
    [InlineData("""{"subjectIdentityId":"a","role":"superuser","scope":"t"}""", "role")]
    [InlineData("""{"subjectIdentityId":"a","role":"tenant-admin"}""", "scope")]
    [InlineData("""{"subjectIdentityId":"a","role":"platform-admin","scope":"t"}""", "scope")]
    [InlineData("""{"subjectIdentityId":"a","role":"viewer","scope":" "}""", "scope")]
    [InlineData("""{"subjectIdentityId":"a","role":"viewer","scope":"t","validFor":"400.00:00:00"}""", "validFor")]
    [InlineData("""{"subjectIdentityId":"a","role":"viewer","scope":"t","validFor":"-00:01:00"}""", "validFor")]
    [InlineData("""{"subjectIdentityId":"a","role":"viewer","scope":"t","validFor":"a week"}""", "validFor")]
    [InlineData("""{"subjectIdentityId":"a","role":"viewer","scope":"t","holder":"me"}""", "holder")]
    [InlineData("", "body")]
    public async Task A_bad_issuance_request_gets_a_400_naming_the_field(string body, string field)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Server.Client.PostAsync("api/v1/credentials", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Issuing_for_an_unknown_a_suspended_or_a_role_less_identity_is_refused_with_the_chain_reason()
    {
        var suspended = await RegisterAsync();
        await Identities.SuspendAsync(suspended.Id, None);
        var viewer = await RegisterAsync(new RoleGrant(Roles.Viewer, "tenant-v"));

        using var unknown = await Server.Client.PostAsJsonAsync("api/v1/credentials", new { subjectIdentityId = "idn-unknown-" + Guid.NewGuid().ToString("N"), role = "viewer", scope = "t" });
        using var unknownDid = await Server.Client.PostAsJsonAsync("api/v1/credentials", new { subjectDid = "did:ethr:0x7a69:0x00000000000000000000000000000000000c0de3", role = "viewer", scope = "t" });
        using var notActive = await Server.Client.PostAsJsonAsync("api/v1/credentials", new { subjectDid = suspended.Did, role = suspended.Grant.Role, scope = suspended.Grant.Scope });
        using var notGranted = await Server.Client.PostAsJsonAsync("api/v1/credentials", new { subjectIdentityId = viewer.Id, role = "tenant-admin", scope = "tenant-v" });

        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, "subjectIdentityId");
        await AssertProblemAsync(unknownDid, HttpStatusCode.NotFound, "subjectDid");
        await AssertProblemAsync(notActive, HttpStatusCode.Conflict, "subjectDid");
        Assert.Equal("notActive", (await notActive.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        await AssertProblemAsync(notGranted, HttpStatusCode.Conflict, "role");
        Assert.Equal("roleNotGranted", (await notGranted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Tampered_unsigned_forged_and_expired_credentials_are_invalid_with_the_reason()
    {
        var identity = await RegisterAsync();
        var jwt = await IssueAsync(identity);
        var parts = jwt.Split('.');
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        var issuer = claims["iss"]!.GetValue<string>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var tamperedPayload = parts[0] + "." + Encode(Changed(claims, c => c["vc"]!["credentialSubject"]!["role"] = "viewer")) + "." + parts[2];
        var signature = Base64Url.DecodeFromChars(parts[2]);
        signature[3] ^= 0x80;
        var tamperedSignature = parts[0] + "." + parts[1] + "." + Base64Url.EncodeToString(signature);
        var unsigned = Encode(JsonNode.Parse("""{"alg":"none","typ":"JWT"}""")!.AsObject()) + "." + parts[1] + ".";
        var forged = Sign(claims, issuer, RandomNumberGenerator.GetBytes(32));
        var expired = Sign(Changed(claims, c => { c["nbf"] = now - 7200; c["iat"] = now - 7200; c["exp"] = now - 3600; }), issuer, await ControlPlaneKeyAsync());

        Assert.Equal(["badSignature"], Codes(await VerifyAsync(tamperedPayload)));
        Assert.Equal(["badSignature"], Codes(await VerifyAsync(tamperedSignature)));
        Assert.Equal(["unsupportedAlgorithm"], Codes(await VerifyAsync(unsigned)));
        Assert.Equal(["badSignature"], Codes(await VerifyAsync(forged)));
        var expiredVerification = await VerifyAsync(expired);
        Assert.Equal(["expired"], Codes(expiredVerification));
        Assert.Equal(identity.Did, expiredVerification.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task A_token_signed_by_the_control_plane_key_with_any_ECDSA_library_verifies()
    {
        // Interoperability: ES256K as RFC 8812 has it (plain ECDSA over SHA-256, R || S, low S) from NBitcoin, not our signer.
        var identity = await RegisterAsync();
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars((await IssueAsync(identity)).Split('.')[1]))!.AsObject();

        var verification = await VerifyAsync(Sign(Changed(claims, c => c["jti"] = "urn:uuid:" + Guid.NewGuid()), claims["iss"]!.GetValue<string>(), await ControlPlaneKeyAsync()));

        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
    }

    [Fact]
    public async Task Suspension_invalidates_reinstatement_restores_and_revocation_ends_a_credential_and_deactivates_the_DID()
    {
        var identity = await RegisterAsync();
        var jwt = await IssueAsync(identity);

        await Identities.SuspendAsync(identity.Id, None);
        var suspended = await VerifyAsync(jwt);
        await Identities.ReinstateAsync(identity.Id, None);
        var reinstated = await VerifyAsync(jwt);
        await Identities.RevokeAsync(identity.Id, None);
        var revoked = await VerifyAsync(jwt);
        var did = await Server.Client.GetFromJsonAsync<JsonElement>($"api/v1/dids/{identity.Did}");

        Assert.Equal(["subjectSuspended"], Codes(suspended));
        Assert.Equal("suspended", suspended.GetProperty("subjectStatus").GetString());
        Assert.True(reinstated.GetProperty("valid").GetBoolean(), reinstated.ToString());
        Assert.Equal(["subjectRevoked"], Codes(revoked));
        Assert.True(did.GetProperty("didDocumentMetadata").GetProperty("deactivated").GetBoolean());
        Assert.Equal("revoked", did.GetProperty("didDocumentMetadata").GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"jwt":""}""")]
    [InlineData("""{"jwt":null}""")]
    public async Task Verifying_without_a_token_gets_a_400_naming_jwt(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Server.Client.PostAsync("api/v1/credentials/verify", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "jwt");
    }

    [Fact]
    public async Task A_token_that_is_no_JWT_is_answered_invalid_as_malformed()
    {
        var verification = await VerifyAsync("certainly.not.a-jwt!");

        Assert.False(verification.GetProperty("valid").GetBoolean());
        Assert.Equal(["malformed"], Codes(verification));
    }

    private async Task<Registered> RegisterAsync(RoleGrant? grant = null)
    {
        var id = "idn-" + Guid.NewGuid().ToString("N");
        var address = SiteAttestation.AddressOf(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        await Identities.RegisterAsync(id, SHA256.HashData(Encoding.UTF8.GetBytes("subject:" + id)), address, None);
        grant ??= new RoleGrant(Roles.Operator, "tenant-" + Guid.NewGuid().ToString("N")[..8]);
        await Identities.GrantRoleAsync(id, grant.Role, grant.Scope, None);
        return new Registered(id, address, $"did:ethr:0x7a69:{address}", grant);
    }

    private async Task<string> IssueAsync(Registered identity)
    {
        using var response = await Server.Client.PostAsJsonAsync("api/v1/credentials", new { subjectDid = identity.Did, role = identity.Grant.Role, scope = identity.Grant.Scope });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jwt").GetString()!;
    }

    private async Task<JsonElement> VerifyAsync(string jwt)
    {
        using var response = await Server.Client.PostAsJsonAsync("api/v1/credentials/verify", new { jwt });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<string> ControlPlaneDidAsync()
    {
        var ledger = await Server.Client.GetFromJsonAsync<JsonElement>("api/v1/ledger");
        return "did:ethr:0x" + ledger.GetProperty("chainId").GetInt64().ToString("x", CultureInfo.InvariantCulture) + ":" + ledger.GetProperty("signerAddress").GetString()!.ToLowerInvariant();
    }

    /// <summary>The server's own signing key, read from its data directory as an operator could.</summary>
    private async Task<byte[]> ControlPlaneKeyAsync()
    {
        var directory = Path.Combine(Server.DataDirectory, "ledger");
        var password = (await File.ReadAllTextAsync(Path.Combine(directory, "keystore-password"))).Trim();
        return new KeyStoreService().DecryptKeyStoreFromJson(password, await File.ReadAllTextAsync(Path.Combine(directory, "signer.keystore.json")));
    }

    private static string[] Codes(JsonElement verification) =>
        [.. verification.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()!)];

    private static JsonObject Changed(JsonObject claims, Action<JsonObject> change)
    {
        var copy = JsonNode.Parse(claims.ToJsonString())!.AsObject();
        change(copy);
        return copy;
    }

    private static string Encode(JsonObject json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));

    /// <summary>ES256K with NBitcoin's ECDSA: SHA-256 of the signing input, compact R || S (NBitcoin signs low S).</summary>
    private static string Sign(JsonObject claims, string issuer, byte[] privateKey)
    {
        var header = new JsonObject { ["alg"] = "ES256K", ["typ"] = "JWT", ["kid"] = issuer + "#controller" };
        var signingInput = Encode(header) + "." + Encode(claims);
        Assert.True(ECPrivKey.TryCreate(privateKey, out var key));
        using (key)
        {
            Assert.True(key.TrySignECDSA(SHA256.HashData(Encoding.ASCII.GetBytes(signingInput)), out var signature));
            var compact = new byte[64];
            signature!.WriteCompactToSpan(compact);
            return signingInput + "." + Base64Url.EncodeToString(compact);
        }
    }

    private sealed record Registered(string Id, string Address, string Did, RoleGrant Grant);
}
