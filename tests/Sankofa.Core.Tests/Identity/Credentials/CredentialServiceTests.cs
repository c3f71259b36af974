using System.Security.Cryptography;
using System.Text;
using Sankofa.Core.Identity.Credentials;
using Sankofa.Core.Tests.Identity.Fakes;

namespace Sankofa.Core.Tests.Identity.Credentials;

/// <summary>The credential service alone, over in-memory fakes of the issuer and the audit log.</summary>
public sealed class CredentialServiceTests
{
    private readonly FakeCredentialIssuer issuer = new();
    private readonly InMemoryAuditLog audit = new();
    private readonly CredentialService service;

    public CredentialServiceTests() => service = new CredentialService(issuer, audit, new CredentialOptions());

    [Fact]
    public async Task A_credential_is_audited_with_the_hash_of_its_jwt_never_the_jwt_before_it_is_handed_out()
    {
        var result = await service.IssueAsync("usr-admin", new CredentialRequest("usr-1", null, "operator", "t-a", TimeSpan.FromDays(1)), CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal(FakeCredentialIssuer.Jwt, result.Value!.Jwt);
        var entry = Assert.Single(audit.Events);
        Assert.Equal(("usr-admin", CredentialService.IssuedAction), (entry.Actor, entry.Action));
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(FakeCredentialIssuer.Jwt))), entry.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeCredentialIssuer.Jwt, entry.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_credential_the_audit_log_cannot_take_is_not_handed_out()
    {
        audit.Failure = new InvalidOperationException("the database is away");

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            service.IssueAsync("usr-admin", new CredentialRequest("usr-1", null, "viewer", "t-a", null), CancellationToken.None));
    }

    [Theory]
    [InlineData(null, null, "viewer", "t-a", "subjectIdentityId")]
    [InlineData("usr-1", "did:ethr:0x0000000000000000000000000000000000000001", "viewer", "t-a", "subjectDid")]
    [InlineData("usr-1", null, "emperor", "t-a", "role")]
    [InlineData("usr-1", null, "viewer", null, "scope")]
    [InlineData("usr-1", null, "platform-admin", "t-a", "scope")]
    public async Task A_bad_request_names_its_field_and_reaches_neither_the_chain_nor_the_audit_log(string? id, string? did, string role, string? scope, string field)
    {
        var result = await service.IssueAsync("usr-admin", new CredentialRequest(id, did, role, scope, null), CancellationToken.None);

        Assert.Equal(ErrorKind.Invalid, result.Error!.Kind);
        Assert.Equal([field], result.Error.Fields.Keys);
        Assert.Empty(issuer.Calls);
        Assert.Empty(audit.Events);
    }

    [Fact]
    public async Task A_validity_beyond_the_maximum_is_refused()
    {
        var result = await service.IssueAsync("usr-admin", new CredentialRequest("usr-1", null, "viewer", "t-a", new CredentialOptions().MaxValidity + TimeSpan.FromSeconds(1)), CancellationToken.None);

        Assert.Equal(["validFor"], result.Error!.Fields.Keys);
    }

    [Fact]
    public async Task The_chain_s_refusal_is_passed_on_and_nothing_is_audited()
    {
        issuer.Refusal = Error.Of(ErrorKind.RoleNotGranted, "role", "The chain does not list this role.");

        var result = await service.IssueAsync("usr-admin", new CredentialRequest("usr-1", null, "operator", "t-a", null), CancellationToken.None);

        Assert.Equal(ErrorKind.RoleNotGranted, result.Error!.Kind);
        Assert.Empty(audit.Events);
    }
}
