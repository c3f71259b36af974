using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Credentials;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Identity.Credentials;
using Sankofa.Ledger.Keys;
using static Sankofa.Ledger.Tests.Identity.IdentityTestData;

namespace Sankofa.Ledger.Tests.Identity.Credentials;

/// <summary>The credential services over a test ledger, and identities registered straight through IIdentityLedger with fresh keys.</summary>
internal sealed class CredentialTestKit(LedgerHost host)
{
    private static readonly CancellationToken None = CancellationToken.None;

    public IIdentityLedger Identities => host.Services.GetRequiredService<IIdentityLedger>();

    public LedgerConnection Connection => host.Connection;

    public LedgerRuntime Runtime => host.Services.GetRequiredService<LedgerRuntime>();

    public EthrDidResolver Resolver => new(Runtime, Identities);

    public JwtCredentialIssuer Issuer(TimeProvider? time = null) => new(Runtime, Identities, time ?? TimeProvider.System, NullLogger<JwtCredentialIssuer>.Instance);

    public JwtCredentialVerifier Verifier(TimeProvider? time = null) =>
        new(Runtime, Identities, time ?? TimeProvider.System, Options.Create(new CredentialOptions()), NullLogger<JwtCredentialVerifier>.Instance);

    /// <summary>A fresh identity, Active on chain, controlled by a fresh key and granted the role.</summary>
    public async Task<TestIdentity> RegisterAsync(RoleGrant? grant = null)
    {
        var id = NewId();
        var key = SigningKey.Generate();
        await Identities.RegisterAsync(id, SubjectHash(id), key.Address, None);
        grant ??= new RoleGrant(Roles.TenantAdmin, "tenant-" + Guid.NewGuid().ToString("N")[..8]);
        await Identities.GrantRoleAsync(id, grant.Role, grant.Scope, None);
        return new TestIdentity(id, key, grant, EthrDid.For(Connection.ChainId, key.Address));
    }

    public async Task<IssuedCredential> IssueAsync(TestIdentity identity, TimeProvider? time = null, TimeSpan? validFor = null)
    {
        var result = await Issuer(time).IssueAsync(new CredentialSubjectReference(identity.Id, null), identity.Grant, validFor ?? TimeSpan.FromDays(1), None);
        Assert.Null(result.Error);
        return result.Value!;
    }

    /// <summary>The token with its payload changed by <paramref name="change"/> and the original signature kept.</summary>
    public static string WithPayload(string jwt, Action<JsonObject> change)
    {
        var parts = jwt.Split('.');
        var payload = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        change(payload);
        return parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString())) + "." + parts[2];
    }

    /// <summary>The token with another header and the original payload and signature.</summary>
    public static string WithHeader(string jwt, string headerJson, string? signature = null)
    {
        var parts = jwt.Split('.');
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(headerJson)) + "." + parts[1] + "." + (signature ?? parts[2]);
    }
}

internal sealed record TestIdentity(string Id, SigningKey Key, RoleGrant Grant, EthrDid Did);
