using Sankofa.Core.Audit;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Data.Tests.Identity;

/// <summary>The account store against real SQLite and PostgreSQL: accounts, role grants, the chain outbox and audit entries commit together.</summary>
public sealed class AccountStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 10, 30, 0, TimeSpan.Zero);

    public static TheoryData<string> Providers => TestStore.Providers;

    private static StoredAccount NewAccount(string id, string name, AccountKind kind = AccountKind.User, params RoleGrant[] roles) => new(
        id, kind, name, "AQAAAAIAAYagAAAAEHASH-" + name, false, IdentityStatus.Active, "0x" + Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(id.PadRight(20, '0')[..20])),
        SubjectHashing.NewSalt(), roles, Now, Now, 0, AccountChainState.New);

    private static AuditEvent Audit(string action, string id) => new("tester", action, "identity:" + id, "{}");

    private static async Task<IReadOnlyList<AuditEntry>> AuditAsync(TestStore store, string subject) =>
        (await store.Audit.ListEntriesAsync(new AuditQuery(Subject: subject, Limit: 1000), CancellationToken.None)).Items;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_account_round_trips_with_its_roles_its_queued_chain_steps_and_its_audit_entry(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Accounts;
        var account = NewAccount("usr-1", "alice", AccountKind.User, new RoleGrant(Roles.TenantAdmin, "acme"), new RoleGrant(Roles.PlatformAdmin));
        await store.CreateAsync(account, [new ChainStep(ChainAction.Register), new ChainStep(ChainAction.GrantRole, Roles.TenantAdmin, "acme")],
            Audit("identity.account.created", "usr-1"), CancellationToken.None);

        var read = await store.GetAsync("usr-1", CancellationToken.None);
        Assert.NotNull(read);
        Assert.Equal("alice", read.Name);
        Assert.Equal(account.SecretHash, read.SecretHash);
        Assert.Equal(account.SubjectSalt, read.SubjectSalt);
        Assert.Equal([new RoleGrant(Roles.PlatformAdmin), new RoleGrant(Roles.TenantAdmin, "acme")], read.Roles);
        Assert.Equal(new AccountChainState(IdentityStatus.None, null, 2, 0), read.Chain);
        Assert.Equal("usr-1", (await store.FindByNameAsync("alice", CancellationToken.None))?.Id);
        Assert.True(await store.AnyHoldsRoleAsync(Roles.PlatformAdmin, CancellationToken.None));
        Assert.False(await store.AnyHoldsRoleAsync(Roles.Auditor, CancellationToken.None));
        var steps = await store.GetPendingStepsAsync(10, CancellationToken.None);
        Assert.Equal([ChainAction.Register, ChainAction.GrantRole], steps.Select(s => s.Step.Action));
        Assert.Equal("acme", steps[1].Step.Scope);
        Assert.Single(await AuditAsync(test, "identity:usr-1"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_taken_name_or_a_stale_version_is_a_conflict_and_writes_nothing(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Accounts;
        await store.CreateAsync(NewAccount("usr-1", "alice"), [new ChainStep(ChainAction.Register)], Audit("identity.account.created", "usr-1"), CancellationToken.None);

        await Assert.ThrowsAsync<AccountConflictException>(() => store.CreateAsync(
            NewAccount("svc-2", "alice", AccountKind.Service), [new ChainStep(ChainAction.Register)], Audit("identity.account.created", "svc-2"), CancellationToken.None));
        Assert.Null(await store.GetAsync("svc-2", CancellationToken.None));
        Assert.Empty(await AuditAsync(test, "identity:svc-2"));

        var read = (await store.GetAsync("usr-1", CancellationToken.None))!;
        var suspended = await store.UpdateAsync(read with { Status = IdentityStatus.Suspended }, [new ChainStep(ChainAction.Suspend)],
            Audit("identity.account.suspended", "usr-1"), CancellationToken.None);
        Assert.Equal(1, suspended.Version);
        Assert.Equal(IdentityStatus.Suspended, suspended.Status);

        // Written against the version read before the suspension: refused, and neither its step nor its audit entry lands.
        await Assert.ThrowsAsync<AccountConflictException>(() => store.UpdateAsync(read with { Status = IdentityStatus.Revoked },
            [new ChainStep(ChainAction.Revoke)], Audit("identity.account.revoked", "usr-1"), CancellationToken.None));
        Assert.Equal(IdentityStatus.Suspended, (await store.GetAsync("usr-1", CancellationToken.None))!.Status);
        Assert.Equal([ChainAction.Register, ChainAction.Suspend], (await store.GetStepsAsync("usr-1", CancellationToken.None)).Select(s => s.Step.Action));
        Assert.Equal(["identity.account.created", "identity.account.suspended"], (await AuditAsync(test, "identity:usr-1")).Select(e => e.Action).Reverse());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_read_sees_the_recorded_chain_status_and_the_steps_left_as_of_one_moment(string provider)
    {
        // Completing a step changes the account's recorded chain status and the step's state in one transaction. A read
        // that took them in two statements could see the status before and the step after: "recorded suspended, nothing
        // pending" with the identity active. Here status changes are recorded over and over while another task reads.
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Accounts;
        await store.CreateAsync(NewAccount("usr-1", "alice"), [new ChainStep(ChainAction.Register)], Audit("identity.account.created", "usr-1"), CancellationToken.None);
        await CompletePendingAsync(store, IdentityStatus.Active);

        using var done = new CancellationTokenSource();
        var reads = 0;
        var reader = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var account = (await store.GetAsync("usr-1", CancellationToken.None))!;
                reads++;
                Assert.True(account.Chain.PendingSteps > 0 || account.Chain.RecordedStatus == account.Status,
                    $"read {reads}: status {account.Status}, recorded {account.Chain.RecordedStatus}, {account.Chain.PendingSteps} pending");
            }
        });

        for (var i = 0; i < 150 && !reader.IsCompleted; i++)
        {
            var target = i % 2 == 0 ? IdentityStatus.Suspended : IdentityStatus.Active;
            var current = (await store.GetAsync("usr-1", CancellationToken.None))!;
            await store.UpdateAsync(current with { Status = target }, [new ChainStep(target == IdentityStatus.Suspended ? ChainAction.Suspend : ChainAction.Reinstate)],
                Audit("identity.account.changed", "usr-1"), CancellationToken.None);
            await CompletePendingAsync(store, target);
        }

        await done.CancelAsync();
        await reader;
        Assert.True(reads > 0);
    }

    private static async Task CompletePendingAsync(IAccountStore store, IdentityStatus recorded)
    {
        foreach (var step in await store.GetPendingStepsAsync(10, CancellationToken.None))
        {
            await store.CompleteStepAsync(step.Id, new ChainStepReceipt("0xabc", 7, true, recorded), Audit("identity.chain.recorded", step.AccountId), CancellationToken.None);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Role_changes_replace_the_grants_and_listing_filters_by_kind_status_and_tenant_scope_with_paging(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Accounts;
        await store.CreateAsync(NewAccount("usr-1", "alice", AccountKind.User, new RoleGrant(Roles.Operator, "acme")), [], Audit("identity.account.created", "usr-1"), CancellationToken.None);
        await store.CreateAsync(NewAccount("usr-2", "bob", AccountKind.User, new RoleGrant(Roles.Viewer, "globex")), [], Audit("identity.account.created", "usr-2"), CancellationToken.None);
        await store.CreateAsync(NewAccount("svc-3", "agent", AccountKind.Service, new RoleGrant(Roles.SiteAgent, "edge-001")), [], Audit("identity.account.created", "svc-3"), CancellationToken.None);
        var bob = (await store.GetAsync("usr-2", CancellationToken.None))!;
        await store.UpdateAsync(bob with { Roles = [new RoleGrant(Roles.Operator, "acme")], Status = IdentityStatus.Suspended }, [],
            Audit("identity.role.granted", "usr-2"), CancellationToken.None);

        Assert.Equal([new RoleGrant(Roles.Operator, "acme")], (await store.GetAsync("usr-2", CancellationToken.None))!.Roles);
        Assert.Equal(["usr-2", "usr-1"], (await store.ListAsync(new AccountQuery(Scope: "acme"), CancellationToken.None)).Items.Select(a => a.Id));
        Assert.Empty((await store.ListAsync(new AccountQuery(Scope: "globex"), CancellationToken.None)).Items);
        Assert.Equal(["svc-3"], (await store.ListAsync(new AccountQuery(Kind: AccountKind.Service), CancellationToken.None)).Items.Select(a => a.Id));
        Assert.Equal(["usr-2"], (await store.ListAsync(new AccountQuery(Status: IdentityStatus.Suspended), CancellationToken.None)).Items.Select(a => a.Id));

        var first = await store.ListAsync(new AccountQuery(Limit: 2), CancellationToken.None);
        Assert.Equal(["svc-3", "usr-2"], first.Items.Select(a => a.Id));
        var second = await store.ListAsync(new AccountQuery(Before: first.NextBefore, Limit: 2), CancellationToken.None);
        Assert.Equal(["usr-1"], second.Items.Select(a => a.Id));
        Assert.Null(second.NextBefore);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Counting_a_scope_counts_each_identity_holding_a_role_there_once_and_leaves_the_revoked_out(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Accounts;
        await store.CreateAsync(NewAccount("usr-1", "alice", AccountKind.User, new RoleGrant(Roles.Operator, "acme"), new RoleGrant(Roles.Viewer, "acme")), [],
            Audit("identity.account.created", "usr-1"), CancellationToken.None);
        await store.CreateAsync(NewAccount("svc-2", "agent", AccountKind.Service, new RoleGrant(Roles.Operator, "acme")), [], Audit("identity.account.created", "svc-2"), CancellationToken.None);
        await store.CreateAsync(NewAccount("usr-3", "carol", AccountKind.User, new RoleGrant(Roles.Viewer, "globex")), [], Audit("identity.account.created", "usr-3"), CancellationToken.None);
        await store.CreateAsync(NewAccount("usr-4", "dave", AccountKind.User, new RoleGrant(Roles.Viewer, "acme")), [], Audit("identity.account.created", "usr-4"), CancellationToken.None);
        var dave = (await store.GetAsync("usr-4", CancellationToken.None))!;
        await store.UpdateAsync(dave with { Status = IdentityStatus.Revoked }, [], Audit("identity.account.revoked", "usr-4"), CancellationToken.None);

        Assert.Equal(2, await store.CountInScopeAsync("acme", CancellationToken.None));
        Assert.Equal(1, await store.CountInScopeAsync("globex", CancellationToken.None));
        Assert.Equal(0, await store.CountInScopeAsync("initech", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Completing_failing_and_deferring_steps_updates_the_outbox_and_the_recorded_chain_state(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Accounts;
        await store.CreateAsync(NewAccount("usr-1", "alice"),
            [new ChainStep(ChainAction.Register), new ChainStep(ChainAction.GrantRole, Roles.Auditor), new ChainStep(ChainAction.Suspend)],
            Audit("identity.account.created", "usr-1"), CancellationToken.None);
        var steps = await store.GetPendingStepsAsync(10, CancellationToken.None);

        await store.CompleteStepAsync(steps[0].Id, new ChainStepReceipt("0xabc", 7, true, IdentityStatus.Active), Audit("identity.chain.recorded", "usr-1"), CancellationToken.None);
        await store.FailStepAsync(steps[1].Id, "refused", Audit("identity.chain.refused", "usr-1"), CancellationToken.None);
        await store.DeferStepAsync(steps[2].Id, Now.AddSeconds(5), "timeout", CancellationToken.None);
        // A second server completing the same step finds it done already: nothing changes, no second audit entry.
        await store.CompleteStepAsync(steps[0].Id, new ChainStepReceipt("0xabc", 7, false, IdentityStatus.Active), Audit("identity.chain.recorded", "usr-1"), CancellationToken.None);

        var account = (await store.GetAsync("usr-1", CancellationToken.None))!;
        Assert.Equal(new AccountChainState(IdentityStatus.Active, 7, 1, 1), account.Chain);
        var all = await store.GetStepsAsync("usr-1", CancellationToken.None);
        Assert.Equal([ChainStepState.Done, ChainStepState.Failed, ChainStepState.Pending], all.Select(s => s.State));
        Assert.Equal("0xabc", all[0].TransactionHash);
        Assert.Equal((1, Now.AddSeconds(5), "timeout"), (all[2].Attempts, all[2].NextAttemptAt, all[2].Error));
        Assert.Equal([steps[2].Id], (await store.GetPendingStepsAsync(10, CancellationToken.None)).Select(s => s.Id));
        Assert.Single(await AuditAsync(test, "identity:usr-1"), e => e.Action == "identity.chain.recorded");
    }
}
