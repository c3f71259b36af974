using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Ledger.Resources;
using static Sankofa.Ledger.Tests.Identity.IdentityTestData;

namespace Sankofa.Ledger.Tests.Identity;

/// <summary>IdentityRegistry through the ledger, on a real anvil: the lifecycle, refusals by name, idempotent repeats, role grants and batch reads.</summary>
public sealed class IdentityLedgerTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private IIdentityLedger Ledger => fixture.Host.Services.GetRequiredService<IIdentityLedger>();

    [Fact]
    public async Task A_registered_identity_reads_back_active_with_its_subject_hash_and_controller()
    {
        var id = NewId();
        var subject = SubjectHash("ama.mensah@example.org");
        var controller = NewController();

        var receipt = await Ledger.RegisterAsync(id, subject, controller.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal), None);

        Assert.True(receipt.Changed);
        var identity = await Ledger.GetAsync(id, None);
        Assert.NotNull(identity);
        Assert.Equal(IdentityStatus.Active, identity.Status);
        Assert.Equal(subject, identity.SubjectHash);
        Assert.Equal(controller, identity.Controller);
        Assert.Equal(LedgerIds.Of(id), identity.Key);
        Assert.Equal(receipt.BlockNumber, identity.UpdatedBlock);
        Assert.Empty(identity.Roles);
    }

    [Fact]
    public async Task An_identity_never_registered_reads_as_absent_and_cannot_be_changed()
    {
        var id = NewId();

        Assert.Null(await Ledger.GetAsync(id, None));
        var error = await Assert.ThrowsAsync<IdentityRefusedException>(() => Ledger.SuspendAsync(id, None));

        Assert.Equal(IdentityRefusal.UnknownIdentity, error.Reason);
        Assert.Contains("UnknownIdentity(", error.Message, StringComparison.Ordinal);
        Assert.Contains($"suspend identity '{id}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suspension_and_reinstatement_toggle_the_status_and_revocation_is_final()
    {
        var id = NewId();
        var controller = NewController();
        await Ledger.RegisterAsync(id, SubjectHash(id), controller, None);

        await Ledger.SuspendAsync(id, None);
        Assert.Equal(IdentityStatus.Suspended, (await Ledger.GetAsync(id, None))!.Status);
        await Ledger.ReinstateAsync(id, None);
        Assert.Equal(IdentityStatus.Active, (await Ledger.GetAsync(id, None))!.Status);
        await Ledger.SuspendAsync(id, None);
        var revoked = await Ledger.RevokeAsync(id, None);

        var identity = await Ledger.GetAsync(id, None);
        Assert.Equal(IdentityStatus.Revoked, identity!.Status);
        Assert.Equal(revoked.BlockNumber, identity.UpdatedBlock);
        var refusals = new[]
        {
            await Assert.ThrowsAsync<IdentityRefusedException>(() => Ledger.ReinstateAsync(id, None)),
            await Assert.ThrowsAsync<IdentityRefusedException>(() => Ledger.SuspendAsync(id, None)),
            await Assert.ThrowsAsync<IdentityRefusedException>(() => Ledger.RegisterAsync(id, SubjectHash(id), controller, None)),
            await Assert.ThrowsAsync<IdentityRefusedException>(() => Ledger.GrantRoleAsync(id, "viewer", null, None)),
        };
        Assert.All(refusals, e => Assert.Equal(IdentityRefusal.Revoked, e.Reason));
        Assert.All(refusals, e => Assert.Contains("IdentityRevoked(", e.Message, StringComparison.Ordinal));
        Assert.Equal(IdentityStatus.Revoked, (await Ledger.GetAsync(id, None))!.Status);
    }

    [Fact]
    public async Task Registering_an_id_again_with_another_subject_or_controller_is_refused_naming_AlreadyRegistered()
    {
        var id = NewId();
        var controller = NewController();
        await Ledger.RegisterAsync(id, SubjectHash(id), controller, None);

        var otherSubject = await Assert.ThrowsAsync<IdentityRefusedException>(() => Ledger.RegisterAsync(id, SubjectHash("someone else"), controller, None));
        var otherController = await Assert.ThrowsAsync<IdentityRefusedException>(() => Ledger.RegisterAsync(id, SubjectHash(id), NewController(), None));

        Assert.Equal(IdentityRefusal.AlreadyRegistered, otherSubject.Reason);
        Assert.Equal(IdentityRefusal.AlreadyRegistered, otherController.Reason);
        Assert.Contains("AlreadyRegistered(", otherSubject.Message, StringComparison.Ordinal);
        var identity = await Ledger.GetAsync(id, None);
        Assert.Equal(SubjectHash(id), identity!.SubjectHash);
        Assert.Equal(controller, identity.Controller);
    }

    [Fact]
    public async Task A_controller_belongs_to_one_identity_even_after_that_identity_is_revoked()
    {
        var first = NewId();
        var controller = NewController();
        await Ledger.RegisterAsync(first, SubjectHash(first), controller, None);

        var taken = await Assert.ThrowsAsync<IdentityRefusedException>(() => Ledger.RegisterAsync(NewId(), SubjectHash("b"), controller, None));
        await Ledger.RevokeAsync(first, None);
        var stillTaken = await Assert.ThrowsAsync<IdentityRefusedException>(() => Ledger.RegisterAsync(NewId(), SubjectHash("c"), controller, None));

        Assert.Equal(IdentityRefusal.ControllerInUse, taken.Reason);
        Assert.Contains($"ControllerInUse({controller}, 0x{Convert.ToHexStringLower(LedgerIds.Of(first))})", taken.Message, StringComparison.Ordinal);
        Assert.Equal(IdentityRefusal.ControllerInUse, stillTaken.Reason);
        // So a did:ethr of a revoked identity keeps resolving to that identity, revoked, and never to a newcomer.
        var resolved = await Ledger.FindByControllerAsync(controller, None);
        Assert.Equal(LedgerIds.Of(first), resolved!.Key);
        Assert.Equal(IdentityStatus.Revoked, resolved.Status);
    }

    [Fact]
    public async Task Two_registrations_racing_for_one_controller_leave_one_identity_and_refuse_the_other_naming_ControllerInUse()
    {
        var ids = new[] { NewId(), NewId() };
        var controller = NewController();
        var rpc = fixture.Host.Connection.Rpc;

        // With automine off both checks see the chain before either registration, so both are sent and the second one
        // reverts in the block; the gateway mines what waits in the pool after a quarter of a second.
        await rpc.CallAsync("evm_setAutomine", None, false);
        Exception?[] outcomes;
        try
        {
            outcomes = await Task.WhenAll(ids.Select(id => ErrorOf(Ledger.RegisterAsync(id, SubjectHash(id), controller, None))));
        }
        finally
        {
            await rpc.CallAsync("evm_setAutomine", None, true);
        }

        var refused = Assert.IsType<IdentityRefusedException>(Assert.Single(outcomes, e => e is not null));
        Assert.Equal(IdentityRefusal.ControllerInUse, refused.Reason);
        var winner = ids[Array.IndexOf(outcomes, null)];
        Assert.Equal(LedgerIds.Of(winner), (await Ledger.FindByControllerAsync(controller, None))!.Key);
        Assert.Contains(fixture.Host.Logs.Messages, m => m.Contains("although the check passed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Repeating_a_write_records_no_second_event()
    {
        var id = NewId();
        var controller = NewController();
        var connection = fixture.Host.Connection;

        var writes = new Func<Task<IdentityReceipt>>[]
        {
            () => Ledger.RegisterAsync(id, SubjectHash(id), controller, None),
            () => Ledger.GrantRoleAsync(id, "operator", "tenant-a", None),
            () => Ledger.SuspendAsync(id, None),
            () => Ledger.RevokeRoleAsync(id, "operator", "tenant-a", None),
            () => Ledger.RevokeAsync(id, None),
        };
        var expectedEvents = 0;
        foreach (var write in writes)
        {
            var first = await write();
            var blockAfterFirst = (await Ledger.GetAsync(id, None))!.UpdatedBlock;
            var repeat = await write();

            expectedEvents++;
            Assert.True(first.Changed);
            Assert.False(repeat.Changed);
            Assert.NotEqual(first.TransactionHash, repeat.TransactionHash);
            Assert.Equal(expectedEvents, await EventCountAsync(connection, id));
            Assert.Equal(blockAfterFirst, (await Ledger.GetAsync(id, None))!.UpdatedBlock);
        }
    }

    [Fact]
    public async Task A_role_counts_in_its_own_scope_only_and_only_while_the_identity_is_active()
    {
        var id = NewId();
        await Ledger.RegisterAsync(id, SubjectHash(id), NewController(), None);

        await Ledger.GrantRoleAsync(id, "tenant-admin", "tenant-lagos", None);
        await Ledger.GrantRoleAsync(id, "auditor", null, None);

        Assert.True(await Ledger.HasRoleAsync(id, "tenant-admin", "tenant-lagos", None));
        Assert.False(await Ledger.HasRoleAsync(id, "tenant-admin", "tenant-accra", None));
        Assert.False(await Ledger.HasRoleAsync(id, "tenant-admin", null, None));
        Assert.True(await Ledger.HasRoleAsync(id, "auditor", null, None));
        var identity = await Ledger.GetAsync(id, None);
        Assert.Equal(
            [(Convert.ToHexString(LedgerIds.Of("tenant-admin")), Convert.ToHexString(LedgerIds.Of("tenant-lagos"))), (Convert.ToHexString(LedgerIds.Of("auditor")), Convert.ToHexString(new byte[32]))],
            identity!.Roles.Select(g => (Convert.ToHexString(g.Role), Convert.ToHexString(g.Scope))));

        await Ledger.SuspendAsync(id, None);
        Assert.False(await Ledger.HasRoleAsync(id, "tenant-admin", "tenant-lagos", None));
        await Ledger.ReinstateAsync(id, None);
        Assert.True(await Ledger.HasRoleAsync(id, "tenant-admin", "tenant-lagos", None));

        await Ledger.RevokeRoleAsync(id, "tenant-admin", "tenant-lagos", None);
        Assert.False(await Ledger.HasRoleAsync(id, "tenant-admin", "tenant-lagos", None));
        Assert.True(await Ledger.HasRoleAsync(id, "auditor", null, None));
        Assert.Equal(LedgerIds.Of("auditor"), Assert.Single((await Ledger.GetAsync(id, None))!.Roles).Role);

        await Ledger.RevokeAsync(id, None);
        Assert.False(await Ledger.HasRoleAsync(id, "auditor", null, None));
    }

    [Fact]
    public async Task Statuses_of_many_identities_are_read_in_one_go_with_unknown_ones_as_none()
    {
        var (active, suspended, revoked) = (NewId(), NewId(), NewId());
        foreach (var id in new[] { active, suspended, revoked })
        {
            await Ledger.RegisterAsync(id, SubjectHash(id), NewController(), None);
        }

        await Ledger.SuspendAsync(suspended, None);
        await Ledger.RevokeAsync(revoked, None);
        // More ids than one statusesOf call takes, so the chunks (sent in one JSON-RPC batch) are stitched back in order.
        var unknown = Enumerable.Range(0, 2_500).Select(_ => NewId()).ToArray();

        var statuses = await Ledger.GetStatusesAsync([.. unknown[..1_200], active, suspended, .. unknown[1_200..], revoked, active], None);

        Assert.Equal(2_503, statuses.Count);
        Assert.Equal(IdentityStatus.Active, statuses[active]);
        Assert.Equal(IdentityStatus.Suspended, statuses[suspended]);
        Assert.Equal(IdentityStatus.Revoked, statuses[revoked]);
        Assert.All(unknown, id => Assert.Equal(IdentityStatus.None, statuses[id]));
        Assert.Empty(await Ledger.GetStatusesAsync([], None));
    }

    [Fact]
    public async Task A_controller_address_resolves_to_its_identity_and_an_unbound_one_to_nothing()
    {
        var id = NewId();
        var controller = NewController();
        await Ledger.RegisterAsync(id, SubjectHash(id), controller, None);
        await Ledger.GrantRoleAsync(id, "viewer", "tenant-kumasi", None);

        var resolved = await Ledger.FindByControllerAsync(controller.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal), None);

        Assert.Equal(LedgerIds.Of(id), resolved!.Key);
        Assert.Equal(IdentityStatus.Active, resolved.Status);
        Assert.Single(resolved.Roles);
        Assert.Null(await Ledger.FindByControllerAsync(NewController(), None));
    }

    [Fact]
    public async Task Malformed_input_is_refused_before_anything_is_sent()
    {
        var id = NewId();

        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.RegisterAsync(id, new byte[32], NewController(), None));
        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.RegisterAsync(id, new byte[31], NewController(), None));
        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.RegisterAsync(id, SubjectHash(id), "0x1234", None));
        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.RegisterAsync(id, SubjectHash(id), NewController()[..41], None));
        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.RegisterAsync(id, SubjectHash(id), "not an address", None));
        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.RegisterAsync(id, SubjectHash(id), "0x" + new string('0', 40), None));
        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.RegisterAsync("", SubjectHash(id), NewController(), None));
        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.GrantRoleAsync(id, "viewer", "", None));

        Assert.Null(await Ledger.GetAsync(id, None));
    }

    private static async Task<Exception?> ErrorOf(Task write)
    {
        try
        {
            await write;
            return null;
        }
        catch (IdentityRefusedException ex)
        {
            return ex;
        }
    }
}
