using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.PersonalData;
using Sankofa.Core.Tests.Identity.Fakes;

namespace Sankofa.Core.Tests.PersonalData;

/// <summary>Export and erasure over in-memory fakes of the account, personal-data and audit stores, on a fake clock.</summary>
public sealed class SubjectAccessServiceTests
{
    private const string Password = "correct horse battery staple";

    private static readonly Caller Officer = new("usr-officer", "officer", [new RoleGrant(Roles.PrivacyOfficer)]);
    private static readonly Caller Operator = new("usr-operator", "operator", [new RoleGrant(Roles.Operator, "acme")]);

    private readonly InMemoryAccountStore accounts = new();
    private readonly InMemoryPersonalDataStore store;
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly AccountService accountService;
    private readonly SubjectAccessService subjects;

    public SubjectAccessServiceTests()
    {
        store = new InMemoryPersonalDataStore(accounts);
        var vault = new PersonalDataVault(store, new PersonalDataMasterKey(PersonalDataCipher.NewKey()), time);
        accountService = new AccountService(accounts, new FakeSecretHasher(), new FakeControllerKeys(), new AccountOptions(), time, personalData: vault);
        subjects = new SubjectAccessService(accounts, accountService, store, vault, store, time);
    }

    private async Task<string> CreateAmaAsync()
    {
        var created = await accountService.CreateUserAsync(
            "api:usr-admin", "ama", Password, ["viewer@acme"], false, CancellationToken.None, email: "ama@example.org", displayName: "Ama Mensah");
        Assert.True(created.Succeeded, created.Error?.Message);
        return created.Value!.Account.Id;
    }

    [Fact]
    public async Task Personal_fields_are_stored_sealed_and_the_user_name_in_the_hashed_audit_payload_is_sealed_too()
    {
        var id = await CreateAmaAsync();

        Assert.All(store.Fields.Values, v => Assert.StartsWith(PersonalDataCipher.Prefix, v, StringComparison.Ordinal));
        Assert.DoesNotContain(store.Fields.Values, v => v.Contains("Mensah", StringComparison.Ordinal) || v.Contains("example.org", StringComparison.Ordinal));
        var created = Assert.Single(accounts.Audit, e => e.Action == "identity.account.created");
        Assert.DoesNotContain("ama", created.Payload, StringComparison.Ordinal);
        Assert.Equal("identity:" + id, created.Subject);
    }

    [Fact]
    public async Task Bad_personal_fields_are_refused_naming_each()
    {
        var refused = await accountService.CreateUserAsync("api:usr-admin", "kofi", Password, ["viewer@acme"], false, CancellationToken.None,
            email: "Kofi <kofi@example.org>", displayName: "   ");

        Assert.Equal(ErrorKind.Invalid, refused.Error!.Kind);
        Assert.Equal(["displayName", "email"], refused.Error.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(store.Fields);
    }

    [Fact]
    public async Task An_officer_and_the_subject_itself_export_everything_opened_and_anyone_else_is_refused_naming_the_permission()
    {
        var id = await CreateAmaAsync();
        var ama = new Caller(id, "ama", [new RoleGrant(Roles.Viewer, "acme")]);

        var export = (await subjects.ExportAsync(Officer, id, CancellationToken.None)).Value!;
        var own = await subjects.ExportAsync(ama, id, CancellationToken.None);
        var refused = await subjects.ExportAsync(Operator, id, CancellationToken.None);

        Assert.Null(export.ErasedAt);
        Assert.Equal("ama@example.org", export.Personal[PersonalFields.Email]);
        Assert.Equal("Ama Mensah", export.Personal[PersonalFields.DisplayName]);
        var created = Assert.Single(export.AuditEntries, e => e.Action == "identity.account.created");
        Assert.Equal("ama", created.Disclosed["$.name"]);
        Assert.True(own.Succeeded);
        Assert.Equal(ErrorKind.Forbidden, refused.Error!.Kind);
        Assert.Equal("privacy.export", refused.Error.MissingPermission);
        Assert.Equal(ErrorKind.NotFound, (await subjects.ExportAsync(Officer, "usr-nobody", CancellationToken.None)).Error!.Kind);
    }

    [Fact]
    public async Task Erasure_revokes_the_identity_destroys_its_key_and_name_and_leaves_every_audit_payload_as_hashed()
    {
        var id = await CreateAmaAsync();
        var payloadsBefore = accounts.Audit.Select(e => (e.Action, e.Payload)).ToList();
        time.Advance(TimeSpan.FromTicks(1234)); // within a millisecond: the store keeps whole ones, and both answers must name the same instant

        var erased = await subjects.EraseAsync(Officer, "api:usr-officer", id, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(5));
        var again = await subjects.EraseAsync(Officer, "api:usr-officer", id, CancellationToken.None);
        var export = (await subjects.ExportAsync(Officer, id, CancellationToken.None)).Value!;

        Assert.False(erased.Value!.AlreadyErased);
        Assert.True(again.Value!.AlreadyErased);
        Assert.Equal(erased.Value.ErasedAt, again.Value.ErasedAt);
        var account = (await accounts.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(IdentityStatus.Revoked, account.Status);
        Assert.Equal("~erased:" + id, account.Name);
        Assert.Null(account.SubjectSalt);
        Assert.Null((await store.GetKeyAsync(id, CancellationToken.None))!.WrappedKey);
        Assert.Equal(erased.Value.ErasedAt, export.ErasedAt);
        Assert.Empty(export.Personal);
        Assert.All(export.AuditEntries, e => Assert.Empty(e.Disclosed));
        // The entries written before the erasure are untouched (so their hashes and proofs hold); two were added: the revocation and the erasure.
        Assert.Equal(payloadsBefore, accounts.Audit.Take(payloadsBefore.Count).Select(e => (e.Action, e.Payload)));
        Assert.Equal(["identity.account.revoked", SubjectAccessService.ErasedAction], accounts.Audit.Skip(payloadsBefore.Count).Select(e => e.Action));
        var erasure = accounts.Audit[^1];
        Assert.Equal(("api:usr-officer", "identity:" + id), (erasure.Actor, erasure.Subject));
        Assert.Equal(["displayName", "email"], JsonDocument.Parse(erasure.Payload).RootElement.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.DoesNotContain("ama", erasure.Payload, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(PasswordCheckOutcome.InvalidCredentials, (await accountService.CheckPasswordAsync("ama", Password, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Erasure_needs_the_permission_and_another_identity_than_the_callers_own()
    {
        var id = await CreateAmaAsync();

        var refused = await subjects.EraseAsync(Operator, "api:usr-operator", id, CancellationToken.None);
        var own = await subjects.EraseAsync(Officer, "api:usr-officer", Officer.Id, CancellationToken.None);
        var missing = await subjects.EraseAsync(Officer, "api:usr-officer", "usr-nobody", CancellationToken.None);

        Assert.Equal(("privacy.erase", ErrorKind.Forbidden), (refused.Error!.MissingPermission, refused.Error.Kind));
        Assert.Equal((ErrorKind.Conflict, "id"), (own.Error!.Kind, own.Error.Fields.Keys.Single()));
        Assert.Equal(ErrorKind.NotFound, missing.Error!.Kind);
        Assert.Equal(IdentityStatus.Active, (await accounts.GetAsync(id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task A_vault_given_another_master_key_says_it_cannot_open_the_stored_keys()
    {
        var other = new PersonalDataVault(store, new PersonalDataMasterKey(PersonalDataCipher.NewKey()), time);
        Assert.True(await other.OpensStoredKeysAsync(CancellationToken.None)); // nothing stored yet

        await CreateAmaAsync();

        Assert.False(await other.OpensStoredKeysAsync(CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => other.SealAsync(accounts.Audit[0].Subject["identity:".Length..], "email", "x", CancellationToken.None));
    }

    [Fact]
    public void Only_values_of_the_subject_open_in_a_payload_and_not_json_discloses_nothing()
    {
        var key = new SubjectKey("usr-1", PersonalDataCipher.NewKey(), null);
        var other = new SubjectKey("usr-2", PersonalDataCipher.NewKey(), null);
        var payload = JsonSerializer.Serialize(new
        {
            name = PersonalDataCipher.Seal(key.Key!, "usr-1", "name", "ama"),
            list = new[] { PersonalDataCipher.Seal(key.Key!, "usr-1", "list", "one") },
            theirs = PersonalDataCipher.Seal(other.Key!, "usr-2", "theirs", "kofi"),
        });

        var disclosed = SubjectAccessService.Disclose(key, payload);

        Assert.Equal(new Dictionary<string, string> { ["$.name"] = "ama", ["$.list[0]"] = "one" }, disclosed);
        Assert.Empty(SubjectAccessService.Disclose(key, "pd1: not json"));
        Assert.Empty(SubjectAccessService.Disclose(key with { Key = null, ErasedAt = DateTimeOffset.UnixEpoch }, payload));
    }
}
