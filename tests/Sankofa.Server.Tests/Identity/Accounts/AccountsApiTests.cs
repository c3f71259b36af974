using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Server.Identity.Accounts;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Identity.Accounts;

/// <summary>The identity API end to end: real HTTP, SQLite, the embedded chain and its IdentityRegistry.</summary>
public sealed class AccountsApiTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    private HttpClient Client => fixture.Client;

    private IIdentityLedger Ledger => fixture.Server.Services.GetRequiredService<IIdentityLedger>();

    private static string Unique(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_new_user_is_registered_active_on_chain_with_its_salted_subject_hash_controller_and_roles()
    {
        var name = Unique("alice");
        var created = await fixture.CreateUserAsync(name, "correct horse battery", "tenant-admin@acme", "auditor");

        Assert.Null(created.Password);
        Assert.Equal(["auditor", "tenant-admin@acme"], created.Identity.Roles.Order());
        Assert.StartsWith("usr-", created.Identity.Id, StringComparison.Ordinal);
        Assert.Equal(created.Identity.Controller, AddressOf(created.ControllerPrivateKey));
        Assert.Equal($"did:ethr:0x7a69:{created.Identity.Controller}", created.Identity.Did);

        var identity = await IdentityPolling.WaitRecordedAsync(Client, created.Identity.Id);
        Assert.Equal("active", identity.Chain.Recorded);
        Assert.All(identity.Chain.Steps!, s => Assert.Equal("done", s.State));
        Assert.NotNull(identity.OnChain);
        Assert.Equal("active", identity.OnChain.Status);
        Assert.Equal(created.Identity.Controller, identity.OnChain.Controller);
        Assert.True(identity.OnChain.SubjectHashMatches);
        Assert.Equal(2, identity.OnChain.RoleCount);

        // The subject hash is HMAC-SHA256 keyed by the account's own salt: the chain holds no name, and nothing links it without the salt.
        var stored = (await fixture.Server.Services.GetRequiredService<IAccountStore>().GetAsync(created.Identity.Id, CancellationToken.None))!;
        var onChain = (await Ledger.GetAsync(created.Identity.Id, CancellationToken.None))!;
        Assert.Equal(SubjectHashing.Hash(stored.SubjectSalt!, name), onChain.SubjectHash);
        Assert.True(await Ledger.HasRoleAsync(created.Identity.Id, Roles.TenantAdmin, "acme", CancellationToken.None));
        Assert.True(await Ledger.HasRoleAsync(created.Identity.Id, Roles.Auditor, null, CancellationToken.None));
        Assert.False(await Ledger.HasRoleAsync(created.Identity.Id, Roles.TenantAdmin, "globex", CancellationToken.None));
        fixture.AssertNoSecretLogged();
    }

    [Fact]
    public async Task Suspend_reinstate_and_revoke_reach_the_chain_and_the_audit_log_and_a_revoked_identity_never_changes_again()
    {
        var created = await fixture.CreateServiceAsync(Unique("agent"), "site-agent@edge-001");
        Assert.NotNull(created.ClientSecret);
        var id = created.Identity.Id;
        Assert.StartsWith("svc-", id, StringComparison.Ordinal);
        await IdentityPolling.WaitRecordedAsync(Client, id);

        foreach (var (verb, status) in new[] { ("suspend", IdentityStatus.Suspended), ("reinstate", IdentityStatus.Active), ("revoke", IdentityStatus.Revoked) })
        {
            using var response = await Client.PostAsync($"api/v1/identities/{id}/{verb}", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            // The answer to the change, then what a read says once the chain has it: both must show the new status (a
            // rare failure here once showed the read still active; telling which of the two says so narrows it down).
            var answered = (await response.Content.ReadFromJsonAsync<IdentityResponse>(Json.Options))!;
            Assert.Equal(status.ToString().ToLowerInvariant(), answered.Status);
            var identity = await IdentityPolling.WaitRecordedAsync(Client, id);
            Assert.True(identity.Status == answered.Status,
                $"{verb} answered {answered.Status} (version time {answered.UpdatedAt:O}), a later read says {identity.Status} (updated {identity.UpdatedAt:O}, chain {identity.Chain.Recorded}, pending {identity.Chain.Pending})");
            var steps = string.Join("; ", (identity.Chain.Steps ?? []).Select(st => $"{st.Step} {st.State} {st.Error}"));
            Assert.True(identity.Status == identity.Chain.Recorded,
                $"{verb}: status {identity.Status}, recorded on chain {identity.Chain.Recorded}, failed steps {identity.Chain.Failed}: {steps}");
            Assert.Equal(identity.Status, identity.OnChain!.Status);
            Assert.Equal(status, (await Ledger.GetStatusesAsync([id], CancellationToken.None))[id]);
        }

        foreach (var verb in new[] { "suspend", "reinstate", "revoke" })
        {
            using var again = await Client.PostAsync($"api/v1/identities/{id}/{verb}", null);
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains("revoked", Assert.Single((await IdentityPolling.ErrorsAsync(again))["status"]), StringComparison.Ordinal);
        }

        using (var grant = await Client.PostAsJsonAsync($"api/v1/identities/{id}/roles", new { role = "viewer", scope = "acme" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, grant.StatusCode);
        }

        var actions = await IdentityPolling.AuditActionsAsync(Client, id);
        Assert.Equal(
            ["identity.account.created", "identity.account.suspended", "identity.account.reinstated", "identity.account.revoked"],
            actions.Where(a => a.StartsWith("identity.account.", StringComparison.Ordinal)));
        // register, the grant, suspend, reinstate, revoke: each recorded once.
        Assert.Equal(5, actions.Count(a => a == "identity.chain.recorded"));
        fixture.AssertNoSecretLogged();
    }

    [Fact]
    public async Task Roles_granted_and_taken_over_the_API_are_granted_and_taken_on_chain()
    {
        var created = await fixture.CreateUserAsync(Unique("bob"), "a long enough password");
        var id = created.Identity.Id;

        using (var grant = await Client.PostAsJsonAsync($"api/v1/identities/{id}/roles", new { role = "operator", scope = "acme" }))
        {
            Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
            Assert.Equal(["operator@acme"], (await grant.Content.ReadFromJsonAsync<IdentityResponse>(Json.Options))!.Roles);
        }

        await IdentityPolling.WaitRecordedAsync(Client, id);
        Assert.True(await Ledger.HasRoleAsync(id, Roles.Operator, "acme", CancellationToken.None));

        using (var revoke = await Client.DeleteAsync($"api/v1/identities/{id}/roles?role=operator&scope=acme"))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        await IdentityPolling.WaitRecordedAsync(Client, id);
        Assert.False(await Ledger.HasRoleAsync(id, Roles.Operator, "acme", CancellationToken.None));

        using var notHeld = await Client.DeleteAsync($"api/v1/identities/{id}/roles?role=operator&scope=acme");
        Assert.Equal(HttpStatusCode.NotFound, notHeld.StatusCode);
        Assert.Contains("role", (await IdentityPolling.ErrorsAsync(notHeld)).Keys);

        var page = await Client.GetFromJsonAsync<IdentityPageResponse>("api/v1/identities?kind=user&tenantId=acme", Json.Options);
        Assert.DoesNotContain(page!.Items, i => i.Id == id);
        fixture.AssertNoSecretLogged();
    }

    [Fact]
    public async Task A_taken_user_name_or_client_id_is_a_409_naming_the_field()
    {
        var name = Unique("carol");
        await fixture.CreateUserAsync(name, "carol's password!");

        using var user = await Client.PostAsJsonAsync("api/v1/identities/users", new { userName = name, password = "another password", roles = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.Conflict, user.StatusCode);
        Assert.Contains("userName", (await IdentityPolling.ErrorsAsync(user)).Keys);

        using var service = await Client.PostAsJsonAsync("api/v1/identities/services", new { clientId = name, roles = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.Conflict, service.StatusCode);
        Assert.Contains("clientId", (await IdentityPolling.ErrorsAsync(service)).Keys);
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_each_field_and_an_unknown_id_is_a_404()
    {
        using (var bad = await Client.PostAsJsonAsync("api/v1/identities/users",
                   new { userName = "Not A Name!", password = "short", roles = new[] { "wizard", "tenant-admin", "platform-admin@acme", "viewer@acme" } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var errors = await IdentityPolling.ErrorsAsync(bad);
            Assert.Equal(["password", "roles[0]", "roles[1]", "roles[2]", "userName"], errors.Keys.Order(StringComparer.Ordinal));
        }

        using (var sameAsName = await Client.PostAsJsonAsync("api/v1/identities/users", new { userName = "dave-the-admin", password = "DAVE-THE-ADMIN", roles = Array.Empty<string>() }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, sameAsName.StatusCode);
            Assert.Contains("user name", Assert.Single((await IdentityPolling.ErrorsAsync(sameAsName))["password"]), StringComparison.Ordinal);
        }

        using (var noBody = await Client.PostAsJsonAsync("api/v1/identities/services", new { roles = Array.Empty<string>() }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noBody.StatusCode);
            Assert.Contains("clientId", (await IdentityPolling.ErrorsAsync(noBody)).Keys);
        }

        using (var list = await Client.GetAsync("api/v1/identities?kind=robot&status=gone&limit=0"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, list.StatusCode);
            Assert.Equal(["kind", "limit", "status"], (await IdentityPolling.ErrorsAsync(list)).Keys.Order(StringComparer.Ordinal));
        }

        using (var missing = await Client.GetAsync("api/v1/identities/usr-0000000000000000"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using (var suspendMissing = await Client.PostAsync("api/v1/identities/usr-0000000000000000/suspend", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, suspendMissing.StatusCode);
        }

        var created = await fixture.CreateUserAsync(Unique("erin"), "erin's password!");
        using var badRole = await Client.PostAsJsonAsync($"api/v1/identities/{created.Identity.Id}/roles", new { role = "operator" });
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.Contains("role", (await IdentityPolling.ErrorsAsync(badRole)).Keys);
    }

    [Fact]
    public async Task A_password_is_changed_only_with_the_current_one_and_a_generated_one_must_be_changed()
    {
        var name = Unique("frank");
        var created = await fixture.CreateUserAsync(name, null, "viewer@acme");
        Assert.NotNull(created.Password);
        Assert.True(created.Identity.MustChangePassword);
        var directory = fixture.Server.Services.GetRequiredService<IAccountDirectory>();
        Assert.Equal(PasswordCheckOutcome.MustChangePassword, (await directory.CheckPasswordAsync(name, created.Password, CancellationToken.None)).Outcome);

        using (var wrong = await ChangeAsync(name, "not the password", "frank's new password"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var weak = await ChangeAsync(name, created.Password, "short"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
            Assert.Contains("newPassword", (await IdentityPolling.ErrorsAsync(weak)).Keys);
        }

        fixture.Secrets.Add("frank's new password");
        using (var changed = await ChangeAsync(name, created.Password, "frank's new password"))
        {
            Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        }

        var check = await directory.CheckPasswordAsync(name, "frank's new password", CancellationToken.None);
        Assert.Equal(PasswordCheckOutcome.Succeeded, check.Outcome);
        Assert.False(check.Account!.MustChangePassword);
        Assert.Equal(PasswordCheckOutcome.InvalidCredentials, (await directory.CheckPasswordAsync(name, created.Password, CancellationToken.None)).Outcome);
        Assert.Contains("identity.password.changed", await IdentityPolling.AuditActionsAsync(Client, created.Identity.Id));

        using (var suspend = await Client.PostAsync($"api/v1/identities/{created.Identity.Id}/suspend", null))
        {
            Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        }

        Assert.Equal(PasswordCheckOutcome.NotActive, (await directory.CheckPasswordAsync(name, "frank's new password", CancellationToken.None)).Outcome);
        using (var notActive = await ChangeAsync(name, "frank's new password", "frank's third password"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, notActive.StatusCode);
        }

        fixture.AssertNoSecretLogged();
    }

    [Fact]
    public async Task Repeated_failures_throttle_a_known_and_an_unknown_name_alike_until_the_wait_is_over()
    {
        var name = Unique("grace");
        await fixture.CreateUserAsync(name, "grace's password!");
        foreach (var who in new[] { name, Unique("nobody") })
        {
            for (var i = 0; i < 5; i++)
            {
                using var wrong = await ChangeAsync(who, "wrong password " + i, "grace's new password");
                Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            }

            // Throttled now: even the right password is not looked at.
            using var throttled = await ChangeAsync(who, "grace's password!", "grace's new password");
            Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
            var retryAfter = throttled.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));
        }

        // Once the wait is over the right password gets through, and the count starts afresh.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var directory = fixture.Server.Services.GetRequiredService<IAccountDirectory>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        PasswordCheck check;
        while ((check = await directory.CheckPasswordAsync(name, "grace's password!", CancellationToken.None)).Outcome == PasswordCheckOutcome.Throttled && DateTime.UtcNow < deadline)
        {
            await Task.Delay(check.RetryAfter!.Value);
        }

        Assert.Equal(PasswordCheckOutcome.Succeeded, check.Outcome);
        Assert.Equal(PasswordCheckOutcome.InvalidCredentials, (await directory.CheckPasswordAsync(name, "wrong again", CancellationToken.None)).Outcome);
        fixture.AssertNoSecretLogged();
    }

    /// <summary>The Ethereum address of a private key: the last 20 bytes of keccak-256 of the uncompressed public key.</summary>
    private static string AddressOf(string privateKey)
    {
        using var key = NBitcoin.Secp256k1.ECPrivKey.Create(Convert.FromHexString(privateKey[2..]));
        var pub = new byte[65];
        key.CreatePubKey().WriteToSpan(false, pub, out _);
        return "0x" + Convert.ToHexStringLower(Nethereum.Util.Sha3Keccack.Current.CalculateHash(pub[1..])[12..]);
    }

    private Task<HttpResponseMessage> ChangeAsync(string userName, string currentPassword, string newPassword) =>
        Client.PostAsJsonAsync("api/v1/identities/password", new { userName, currentPassword, newPassword });
}
