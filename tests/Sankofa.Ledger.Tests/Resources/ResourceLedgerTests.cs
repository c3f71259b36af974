using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Resources;

namespace Sankofa.Ledger.Tests.Resources;

/// <summary>ResourceRegistry through the ledger, on a real anvil: the lifecycle, idempotent repeats, and two-party verification.</summary>
public sealed class ResourceLedgerTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private IResourceLedger Ledger => fixture.Host.Services.GetRequiredService<IResourceLedger>();

    private static byte[] Spec(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    /// <summary>A new resource requested as "asked" and placed on a site whose key the test holds (the fixture plays the site).</summary>
    private async Task<(string Id, byte[] SiteKey)> RequestedAndPlacedAsync()
    {
        var id = "vm-" + Guid.NewGuid();
        var site = TestSites.NewId("edge-oslo");
        var siteKey = await TestSites.RegisterNewKeyAsync(Ledger, site);
        await Ledger.RecordRequestedAsync(id, Spec("asked"), CancellationToken.None);
        await Ledger.RecordPlacedAsync(id, site, "host-1", CancellationToken.None);
        return (id, siteKey);
    }

    [Fact]
    public async Task A_resource_is_verified_only_once_the_control_plane_and_its_site_attest_the_same_spec()
    {
        var id = "vm-" + Guid.NewGuid();
        var spec = Spec("""{"cores":2,"memoryMiB":4096}""");
        var siteKey = await TestSites.RegisterNewKeyAsync(Ledger, "edge-lagos-1");

        await Ledger.RecordRequestedAsync(id, spec, CancellationToken.None);
        await Ledger.RecordPlacedAsync(id, "edge-lagos-1", "host-3", CancellationToken.None);
        await Ledger.RecordProvisionedAsync(id, spec, CancellationToken.None);
        var provisionedOnly = await Ledger.GetAsync(id, CancellationToken.None);
        Assert.Equal(OnChainResourceState.Provisioned, provisionedOnly!.State);
        Assert.False(provisionedOnly.Verified);

        var digest = await Ledger.AttestationDigestAsync(id, spec, CancellationToken.None);
        await Ledger.RecordSiteAttestationAsync(id, spec, SiteAttestation.Sign(siteKey, digest), CancellationToken.None);

        var verified = await Ledger.GetAsync(id, CancellationToken.None);
        Assert.True(verified!.Verified);
        Assert.Equal(LedgerIds.Of("edge-lagos-1"), verified.Site);
        Assert.Equal(LedgerIds.Of("host-3"), verified.Host);
        Assert.Equal(spec, verified.SiteAttestation);
    }

    [Fact]
    public async Task Another_key_than_the_sites_cannot_attest_for_it()
    {
        var id = "vm-" + Guid.NewGuid();
        var spec = Spec("a");
        await TestSites.RegisterNewKeyAsync(Ledger, "edge-quito-1");
        await Ledger.RecordRequestedAsync(id, spec, CancellationToken.None);
        await Ledger.RecordPlacedAsync(id, "edge-quito-1", "host-1", CancellationToken.None);
        await Ledger.RecordProvisionedAsync(id, spec, CancellationToken.None);
        var digest = await Ledger.AttestationDigestAsync(id, spec, CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Ledger.RecordSiteAttestationAsync(id, spec, SiteAttestation.Sign(TestSites.NewKey(), digest), CancellationToken.None));

        Assert.Contains("refuses", error.Message, StringComparison.Ordinal);
        Assert.False((await Ledger.GetAsync(id, CancellationToken.None))!.Verified);
    }

    [Fact]
    public async Task A_site_attesting_another_spec_leaves_the_resource_unverified()
    {
        var (id, siteKey) = await RequestedAndPlacedAsync();
        await Ledger.RecordProvisionedAsync(id, Spec("asked"), CancellationToken.None);
        var drifted = Spec("what actually runs");
        var digest = await Ledger.AttestationDigestAsync(id, drifted, CancellationToken.None);

        await Ledger.RecordSiteAttestationAsync(id, drifted, SiteAttestation.Sign(siteKey, digest), CancellationToken.None);

        var record = (await Ledger.GetAsync(id, CancellationToken.None))!;
        Assert.False(record.Verified);
        Assert.Equal(drifted, record.SiteAttestation);
        Assert.Equal(Spec("asked"), record.ControlPlaneAttestation);

        // The contract stores a matching attestation as a flag and a differing one apart: a later, matching
        // attestation replaces the drifted one, and only then is the resource Verified.
        var asked = await Ledger.AttestationDigestAsync(id, Spec("asked"), CancellationToken.None);
        await Ledger.RecordSiteAttestationAsync(id, Spec("asked"), SiteAttestation.Sign(siteKey, asked), CancellationToken.None);
        record = (await Ledger.GetAsync(id, CancellationToken.None))!;
        Assert.True(record.Verified);
        Assert.Equal(Spec("asked"), record.SiteAttestation);
    }

    [Fact]
    public async Task An_earlier_site_signature_relayed_again_is_refused()
    {
        var (id, siteKey) = await RequestedAndPlacedAsync();
        await Ledger.RecordProvisionedAsync(id, Spec("asked"), CancellationToken.None);
        var first = await Ledger.AttestationDigestAsync(id, Spec("asked"), CancellationToken.None);
        var matching = SiteAttestation.Sign(siteKey, first);
        await Ledger.RecordSiteAttestationAsync(id, Spec("asked"), matching, CancellationToken.None);
        // Later the site reports that the VM drifted.
        var drifted = Spec("what runs now");
        var second = await Ledger.AttestationDigestAsync(id, drifted, CancellationToken.None);
        await Ledger.RecordSiteAttestationAsync(id, drifted, SiteAttestation.Sign(siteKey, second), CancellationToken.None);

        // Anyone may relay: someone relays the site's earlier, matching signature to make the resource look Verified again.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Ledger.RecordSiteAttestationAsync(id, Spec("asked"), matching, CancellationToken.None));

        Assert.Contains("refuses", error.Message, StringComparison.Ordinal);
        var record = (await Ledger.GetAsync(id, CancellationToken.None))!;
        Assert.False(record.Verified);
        Assert.Equal(drifted, record.SiteAttestation);
    }

    [Fact]
    public async Task A_control_plane_attesting_another_spec_than_requested_leaves_the_resource_unverified()
    {
        var (id, siteKey) = await RequestedAndPlacedAsync();
        await Ledger.RecordProvisionedAsync(id, Spec("built"), CancellationToken.None);
        var digest = await Ledger.AttestationDigestAsync(id, Spec("built"), CancellationToken.None);
        await Ledger.RecordSiteAttestationAsync(id, Spec("built"), SiteAttestation.Sign(siteKey, digest), CancellationToken.None);

        var record = (await Ledger.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(OnChainResourceState.Provisioned, record.State);
        Assert.Equal(Spec("built"), record.ControlPlaneAttestation);
        Assert.Equal(Spec("built"), record.SiteAttestation);
        Assert.False(record.Verified);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Ledger.RecordProvisionedAsync(id, Spec("asked"), CancellationToken.None));
    }

    [Fact]
    public async Task Repeating_a_transition_records_nothing_twice_and_a_conflicting_one_is_refused()
    {
        var id = "vm-" + Guid.NewGuid();
        await Ledger.RecordRequestedAsync(id, Spec("x"), CancellationToken.None);
        var recorded = await Ledger.GetAsync(id, CancellationToken.None);
        await Ledger.RecordRequestedAsync(id, Spec("x"), CancellationToken.None);

        // The contract treated the repeat as a no-op: the record, down to the block of its last change, is the same.
        Assert.Equal(recorded!.UpdatedBlock, (await Ledger.GetAsync(id, CancellationToken.None))!.UpdatedBlock);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Ledger.RecordRequestedAsync(id, Spec("y"), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Ledger.RecordProvisionedAsync(id, Spec("x"), CancellationToken.None));
        Assert.Equal(OnChainResourceState.Requested, (await Ledger.GetAsync(id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_deleted_resource_stays_deleted_and_an_unknown_one_reads_as_absent()
    {
        var id = "vm-" + Guid.NewGuid();
        await Ledger.RecordRequestedAsync(id, Spec("z"), CancellationToken.None);
        await Ledger.RecordDeletedAsync(id, CancellationToken.None);
        await Ledger.RecordDeletedAsync(id, CancellationToken.None);

        Assert.Equal(OnChainResourceState.Deleted, (await Ledger.GetAsync(id, CancellationToken.None))!.State);
        Assert.Null(await Ledger.GetAsync("vm-never-" + Guid.NewGuid(), CancellationToken.None));
    }

    [Fact]
    public async Task A_removal_is_recorded_before_the_deletion_and_nothing_but_the_deletion_follows_it()
    {
        var (id, siteKey) = await RequestedAndPlacedAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => Ledger.RecordRemovalRequestedAsync("vm-never-" + Guid.NewGuid(), CancellationToken.None));

        await Ledger.RecordRemovalRequestedAsync(id, CancellationToken.None);
        var removing = await Ledger.GetAsync(id, CancellationToken.None);
        await Ledger.RecordRemovalRequestedAsync(id, CancellationToken.None);

        Assert.Equal(OnChainResourceState.Removing, removing!.State);
        Assert.Equal(removing.UpdatedBlock, (await Ledger.GetAsync(id, CancellationToken.None))!.UpdatedBlock); // the repeat recorded nothing
        await Assert.ThrowsAsync<InvalidOperationException>(() => Ledger.RecordProvisionedAsync(id, Spec("asked"), CancellationToken.None));
        var digest = await Ledger.AttestationDigestAsync(id, Spec("asked"), CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Ledger.RecordSiteAttestationAsync(id, Spec("asked"), SiteAttestation.Sign(siteKey, digest), CancellationToken.None));

        await Ledger.RecordDeletedAsync(id, CancellationToken.None);
        await Ledger.RecordRemovalRequestedAsync(id, CancellationToken.None);
        Assert.Equal(OnChainResourceState.Deleted, (await Ledger.GetAsync(id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_resize_places_a_verified_resource_again_with_the_new_spec_until_both_attest_it()
    {
        var requestedOnly = "vm-" + Guid.NewGuid();
        await Ledger.RecordRequestedAsync(requestedOnly, Spec("asked"), CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Ledger.RecordResizedAsync(requestedOnly, Spec("bigger"), CancellationToken.None)); // not placed
        var (id, siteKey) = await RequestedAndPlacedAsync();
        await Ledger.RecordProvisionedAsync(id, Spec("asked"), CancellationToken.None);
        var digest = await Ledger.AttestationDigestAsync(id, Spec("asked"), CancellationToken.None);
        await Ledger.RecordSiteAttestationAsync(id, Spec("asked"), SiteAttestation.Sign(siteKey, digest), CancellationToken.None);
        Assert.True(await Ledger.IsVerifiedAsync(id, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Ledger.RecordResizedAsync(id, Spec("asked"), CancellationToken.None)); // the same spec is no resize

        await Ledger.RecordResizedAsync(id, Spec("bigger"), CancellationToken.None);
        var resized = (await Ledger.GetAsync(id, CancellationToken.None))!;
        await Ledger.RecordResizedAsync(id, Spec("bigger"), CancellationToken.None);

        Assert.Equal(OnChainResourceState.Placed, resized.State);
        Assert.Equal(Spec("bigger"), resized.SpecHash);
        Assert.Equal(new byte[32], resized.ControlPlaneAttestation);
        Assert.Equal(new byte[32], resized.SiteAttestation);
        Assert.False(resized.Verified);
        Assert.Equal(resized.UpdatedBlock, (await Ledger.GetAsync(id, CancellationToken.None))!.UpdatedBlock); // the repeat recorded nothing

        // Another resize before the last was attested replaces it.
        await Ledger.RecordResizedAsync(id, Spec("other"), CancellationToken.None);
        Assert.Equal(Spec("other"), (await Ledger.GetAsync(id, CancellationToken.None))!.SpecHash);
        await Ledger.RecordResizedAsync(id, Spec("bigger"), CancellationToken.None);

        // The control plane's attestation alone does not make it Verified again; the site's of the new spec does.
        await Ledger.RecordProvisionedAsync(id, Spec("bigger"), CancellationToken.None);
        Assert.False(await Ledger.IsVerifiedAsync(id, CancellationToken.None));
        digest = await Ledger.AttestationDigestAsync(id, Spec("bigger"), CancellationToken.None);
        await Ledger.RecordSiteAttestationAsync(id, Spec("bigger"), SiteAttestation.Sign(siteKey, digest), CancellationToken.None);
        Assert.True(await Ledger.IsVerifiedAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task The_site_signs_exactly_the_digest_the_contract_recovers()
    {
        var siteKey = TestSites.NewKey();
        var digest = RandomNumberGenerator.GetBytes(32);

        var signature = SiteAttestation.Sign(siteKey, digest);

        // Recover with Nethereum's independent implementation of EIP-191 personal-sign recovery.
        var recovered = new Nethereum.Signer.EthereumMessageSigner().EcRecover(digest, "0x" + Convert.ToHexStringLower(signature));
        Assert.Equal(SiteAttestation.AddressOf(siteKey), recovered, ignoreCase: true);
    }
}
