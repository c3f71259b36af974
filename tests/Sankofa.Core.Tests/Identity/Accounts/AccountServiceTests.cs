using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tests.Identity.Fakes;

namespace Sankofa.Core.Tests.Identity.Accounts;

/// <summary>The account service alone, over in-memory fakes of its store, hasher and key generator, on a fake clock.</summary>
public sealed class AccountServiceTests
{
    private const string Password = "correct horse battery staple";
    private const string Stranger = "203.0.113.9";
    private const string Office = "198.51.100.7";

    private readonly InMemoryAccountStore store = new();
    private readonly FakeSecretHasher hasher = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly List<Account> passwordChanges = [];
    private readonly AccountOptions options = new();
    private int wakes;

    [Fact]
    public async Task A_new_user_is_stored_with_its_register_and_role_steps_queued_and_an_audit_entry_without_its_password()
    {
        var service = Service();

        var created = await service.CreateUserAsync("usr-admin", "alice", Password, ["operator@t-a"], mustChangePassword: false, CancellationToken.None);

        var account = created.Value!.Account;
        Assert.Equal([ChainAction.Register, ChainAction.GrantRole], (await store.GetStepsAsync(account.Id, CancellationToken.None)).Select(s => s.Step.Action));
        var audit = Assert.Single(store.Audit);
        Assert.Equal(("usr-admin", "identity.account.created"), (audit.Actor, audit.Action));
        Assert.DoesNotContain(Password, audit.Payload, StringComparison.Ordinal);
        Assert.Equal(1, wakes);
    }

    [Fact]
    public async Task A_stranger_guessing_from_one_address_locks_the_name_there_only_and_its_owner_signs_in_from_another()
    {
        var service = Service();
        await service.CreateUserAsync("usr-admin", "admin", Password, ["platform-admin"], mustChangePassword: false, CancellationToken.None);

        for (var i = 0; i < options.FailureLimit; i++)
        {
            Assert.Equal(PasswordCheckOutcome.InvalidCredentials, (await service.CheckPasswordAsync("admin", "guess " + i, CancellationToken.None, Stranger)).Outcome);
        }

        Assert.Equal(PasswordCheckOutcome.Throttled, (await service.CheckPasswordAsync("admin", Password, CancellationToken.None, Stranger)).Outcome);
        Assert.Equal(PasswordCheckOutcome.Succeeded, (await service.CheckPasswordAsync("admin", Password, CancellationToken.None, Office)).Outcome);
    }

    [Fact]
    public async Task Password_checks_beyond_the_cap_wait_their_turn_so_no_more_than_the_cap_hash_at_once()
    {
        options.MaxConcurrentPasswordChecks = 1;
        var service = Service();
        hasher.CheckDuration = TimeSpan.FromMilliseconds(20);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => service.CheckPasswordAsync("user" + i, Password, CancellationToken.None, Office))));

        Assert.Equal(1, hasher.MostAtOnce);
    }

    [Fact]
    public async Task A_tenant_full_of_identities_refuses_one_more_with_a_conflict_naming_roles_and_stores_nothing()
    {
        options.MaxIdentitiesPerScope = 2;
        var service = Service();
        await service.CreateUserAsync("usr-admin", "first", Password, ["viewer@t-a"], false, CancellationToken.None);
        await service.CreateServiceAsync("usr-admin", "second", ["operator@t-a"], CancellationToken.None);

        var refused = await service.CreateUserAsync("usr-admin", "third", Password, ["viewer@t-b", "viewer@t-a"], false, CancellationToken.None);

        Assert.Equal(ErrorKind.Conflict, refused.Error!.Kind);
        Assert.Equal(["roles"], refused.Error.Fields.Keys);
        Assert.Null(await store.FindByNameAsync("third", CancellationToken.None));

        // Another tenant, and platform-wide roles, are not held back by it.
        Assert.Null((await service.CreateUserAsync("usr-admin", "fourth", Password, ["viewer@t-b"], false, CancellationToken.None)).Error);
        Assert.Null((await service.CreateUserAsync("usr-admin", "fifth", Password, ["platform-admin"], false, CancellationToken.None)).Error);
    }

    [Fact]
    public async Task A_revoked_identity_leaves_room_in_its_tenant()
    {
        options.MaxIdentitiesPerScope = 1;
        var service = Service();
        var first = (await service.CreateUserAsync("usr-admin", "first", Password, ["viewer@t-a"], false, CancellationToken.None)).Value!;
        await service.RevokeAsync("usr-admin", first.Account.Id, CancellationToken.None);

        Assert.Null((await service.CreateUserAsync("usr-admin", "second", Password, ["viewer@t-a"], false, CancellationToken.None)).Error);
    }

    [Fact]
    public async Task Every_change_to_an_account_its_password_its_status_its_roles_gives_it_a_new_version()
    {
        var service = Service();
        var id = (await service.CreateUserAsync("usr-admin", "alice", Password, ["viewer@t-a"], false, CancellationToken.None)).Value!.Account.Id;
        var versions = new List<long> { (await service.GetAsync(id, CancellationToken.None))!.Version };

        Assert.Equal(PasswordCheckOutcome.Succeeded, (await service.ChangePasswordAsync("alice", Password, "a new and long passphrase", CancellationToken.None, Office)).Outcome);
        versions.Add((await service.GetAsync(id, CancellationToken.None))!.Version);
        await service.SuspendAsync("usr-admin", id, CancellationToken.None);
        versions.Add((await service.GetAsync(id, CancellationToken.None))!.Version);
        await service.ReinstateAsync("usr-admin", id, CancellationToken.None);
        versions.Add((await service.GetAsync(id, CancellationToken.None))!.Version);
        await service.RevokeRoleAsync("usr-admin", id, "viewer@t-a", CancellationToken.None);
        versions.Add((await service.GetAsync(id, CancellationToken.None))!.Version);

        Assert.Equal(versions.Count, versions.Distinct().Count());
    }

    [Fact]
    public async Task A_changed_password_is_told_to_the_observers_and_the_old_one_no_longer_signs_in()
    {
        var service = Service();
        await service.CreateUserAsync("usr-admin", "alice", Password, ["viewer@t-a"], false, CancellationToken.None);

        await service.ChangePasswordAsync("alice", Password, "a new and long passphrase", CancellationToken.None, Office);

        Assert.Equal("alice", Assert.Single(passwordChanges).Name);
        Assert.Equal(PasswordCheckOutcome.InvalidCredentials, (await service.CheckPasswordAsync("alice", Password, CancellationToken.None, Office)).Outcome);
        Assert.Equal(PasswordCheckOutcome.Succeeded, (await service.CheckPasswordAsync("alice", "a new and long passphrase", CancellationToken.None, Office)).Outcome);
    }

    [Fact]
    public async Task A_suspended_user_with_the_right_password_is_told_not_active_and_an_unknown_name_looks_like_a_wrong_password()
    {
        var service = Service();
        var id = (await service.CreateUserAsync("usr-admin", "alice", Password, [], false, CancellationToken.None)).Value!.Account.Id;
        await service.SuspendAsync("usr-admin", id, CancellationToken.None);

        Assert.Equal(PasswordCheckOutcome.NotActive, (await service.CheckPasswordAsync("alice", Password, CancellationToken.None, Office)).Outcome);
        Assert.Equal(PasswordCheckOutcome.InvalidCredentials, (await service.CheckPasswordAsync("nobody", Password, CancellationToken.None, Office)).Outcome);
    }

    private AccountService Service() =>
        new(store, hasher, new FakeControllerKeys(), options, time, () => wakes++, [new PasswordObserver(passwordChanges)]);

    private sealed class PasswordObserver(List<Account> changes) : IPasswordChangeObserver
    {
        public Task PasswordChangedAsync(Account account, CancellationToken cancellationToken)
        {
            changes.Add(account);
            return Task.CompletedTask;
        }
    }
}
