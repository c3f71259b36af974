using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.PersonalData;

namespace Sankofa.Data.Tests.PersonalData;

/// <summary>The personal-data store against real SQLite and PostgreSQL: keys, sealed fields, and an erasure that commits with its audit entry.</summary>
public sealed class PersonalDataStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 10, 30, 0, TimeSpan.Zero);

    public static TheoryData<string> Providers => TestStore.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_first_key_wins_fields_are_replaced_and_forgetting_drops_both(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.PersonalData;

        var first = await store.AddKeyAsync("usr-1", [1, 2, 3], Now, CancellationToken.None);
        var second = await store.AddKeyAsync("usr-1", [4, 5, 6], Now.AddSeconds(1), CancellationToken.None);
        await store.StoreFieldsAsync("usr-1", new Dictionary<string, string> { ["email"] = "pd1:a", ["displayName"] = "pd1:b" }, Now, CancellationToken.None);
        await store.StoreFieldsAsync("usr-1", new Dictionary<string, string> { ["email"] = "pd1:c" }, Now, CancellationToken.None);

        Assert.Equal([1, 2, 3], first.WrappedKey);
        Assert.Equal([1, 2, 3], second.WrappedKey);
        Assert.Equal(new Dictionary<string, string> { ["email"] = "pd1:c", ["displayName"] = "pd1:b" }, await store.GetFieldsAsync("usr-1", CancellationToken.None));

        await store.ForgetAsync("usr-1", CancellationToken.None);

        Assert.Null(await store.GetKeyAsync("usr-1", CancellationToken.None));
        Assert.Empty(await store.GetFieldsAsync("usr-1", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Erasure_destroys_the_key_tombstones_the_account_and_writes_its_audit_entry_once(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.PersonalData;
        var account = new StoredAccount("usr-1", AccountKind.User, "ama", "hash", false, IdentityStatus.Revoked, "0x" + new string('1', 40),
            SubjectHashing.NewSalt(), [new RoleGrant(Roles.Viewer, "acme")], Now, Now, 0, AccountChainState.New);
        await test.Accounts.CreateAsync(account, [], new AuditEvent("tester", "identity.account.created", "identity:usr-1", "{}"), CancellationToken.None);
        await store.AddKeyAsync("usr-1", [1, 2, 3], Now, CancellationToken.None);
        await store.StoreFieldsAsync("usr-1", new Dictionary<string, string> { ["email"] = "pd1:a" }, Now, CancellationToken.None);
        var audit = new AuditEvent("api:usr-officer", SubjectAccessService.ErasedAction, "identity:usr-1", """{"keyDestroyed":true}""");

        var erased = await store.EraseAsync(new SubjectErasure("usr-1", "ama", Now.AddMinutes(1)), audit, CancellationToken.None);
        var again = await store.EraseAsync(new SubjectErasure("usr-1", "ama", Now.AddMinutes(2)), audit, CancellationToken.None);

        Assert.True(erased);
        Assert.False(again);
        var key = (await store.GetKeyAsync("usr-1", CancellationToken.None))!;
        Assert.Null(key.WrappedKey);
        Assert.Equal(Now.AddMinutes(1), key.ErasedAt);
        // The ciphertext stays, unreadable without its key, as its copies in backups are.
        Assert.Equal("pd1:a", (await store.GetFieldsAsync("usr-1", CancellationToken.None))["email"]);
        var stored = (await test.Accounts.GetAsync("usr-1", CancellationToken.None))!;
        Assert.Equal(("~erased:usr-1", (byte[]?)null, "", 1L), (stored.Name, stored.SubjectSalt, stored.SecretHash, stored.Version));
        Assert.Null(await test.Accounts.FindByNameAsync("ama", CancellationToken.None));
        var entries = (await test.Audit.ListEntriesAsync(new AuditQuery(Subject: "identity:usr-1"), CancellationToken.None)).Items;
        Assert.Equal([SubjectAccessService.ErasedAction, "identity.account.created"], entries.Select(e => e.Action));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_subject_without_a_key_is_erased_with_a_key_row_that_records_it(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);

        Assert.True(await test.PersonalData.EraseAsync(new SubjectErasure("usr-9", "nobody", Now), new AuditEvent("tester", SubjectAccessService.ErasedAction, "identity:usr-9", "{}"),
            CancellationToken.None));

        Assert.Equal(new SubjectKeyRecord("usr-9", null, Now, Now), await test.PersonalData.GetKeyAsync("usr-9", CancellationToken.None));
    }
}
