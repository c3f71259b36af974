using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.ABI;
using Nethereum.Contracts;
using Nethereum.Util;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Tests.Resources;

/// <summary>
/// Site keys on ResourceRegistry, on a real anvil: registered only with the key's own proof of possession, rotated only
/// with the old key's signature, revoked only by an administrator, each recorded with an event.
/// </summary>
public sealed class SiteKeyTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private IResourceLedger Ledger => fixture.Host.Services.GetRequiredService<IResourceLedger>();

    private LedgerConnection Connection => fixture.Host.Connection;

    [Fact]
    public async Task A_key_registered_with_its_own_proof_becomes_the_sites_key_with_a_SiteKeySet_event()
    {
        var site = TestSites.NewId();
        var siteKey = TestSites.NewKey();
        var address = SiteAttestation.AddressOf(siteKey);
        Assert.Null(await Ledger.GetSiteKeyAsync(site, None));

        var receipt = await Ledger.RegisterSiteKeyAsync(site, address, await TestSites.ProofAsync(Ledger, site, siteKey), None);

        Assert.Equal(address, await Ledger.GetSiteKeyAsync(site, None), ignoreCase: true);
        var logged = Assert.Single(await EventsAsync(receipt, "SiteKeySet(bytes32,address)", site));
        Assert.Equal(EventData(address), logged, ignoreCase: true);
        // A repeat (the control plane re-sends after a crash) records nothing new.
        var repeat = await Ledger.RegisterSiteKeyAsync(site, address, await TestSites.ProofAsync(Ledger, site, siteKey), None);
        Assert.Empty(await EventsAsync(repeat, "SiteKeySet(bytes32,address)", site));
    }

    [Fact]
    public async Task A_proof_signed_by_another_key_than_the_one_registered_is_refused()
    {
        var site = TestSites.NewId();
        var address = SiteAttestation.AddressOf(TestSites.NewKey());
        var digest = await Ledger.SiteKeyDigestAsync(site, address, None);
        var proofByAnother = SiteAttestation.Sign(TestSites.NewKey(), digest);

        await AssertRefusedAsync("BadSiteKeyProof(bytes32,address,address)", Ledger.RegisterSiteKeyAsync(site, address, proofByAnother, None));

        Assert.Null(await Ledger.GetSiteKeyAsync(site, None));
    }

    [Fact]
    public async Task A_proof_made_for_another_site_contract_or_chain_is_refused()
    {
        var site = TestSites.NewId();
        var siteKey = TestSites.NewKey();
        var address = SiteAttestation.AddressOf(siteKey);
        var (contract, chainId) = (Connection.ResourceRegistryAddress, Connection.ChainId);

        var forAnotherSite = SiteKeyRegistration.Prove(siteKey, contract, chainId, TestSites.NewId());
        var forAnotherContract = SiteKeyRegistration.Prove(siteKey, Connection.IdentityRegistryAddress, chainId, site);
        var forAnotherChain = SiteKeyRegistration.Prove(siteKey, contract, chainId + 1, site);

        foreach (var replayed in new[] { forAnotherSite, forAnotherContract, forAnotherChain })
        {
            await AssertRefusedAsync("BadSiteKeyProof(bytes32,address,address)", Ledger.RegisterSiteKeyAsync(site, address, replayed, None));
        }

        Assert.Null(await Ledger.GetSiteKeyAsync(site, None));
        await Ledger.RegisterSiteKeyAsync(site, address, SiteKeyRegistration.Prove(siteKey, contract, chainId, site), None);
        Assert.Equal(address, await Ledger.GetSiteKeyAsync(site, None), ignoreCase: true);
    }

    [Fact]
    public async Task A_site_with_a_key_cannot_be_given_another_by_registration_even_with_the_new_keys_proof()
    {
        var site = TestSites.NewId();
        var siteKey = await TestSites.RegisterNewKeyAsync(Ledger, site);

        var other = TestSites.NewKey();
        await AssertRefusedAsync("SiteKeyAlreadySet(bytes32,address)",
            Ledger.RegisterSiteKeyAsync(site, SiteAttestation.AddressOf(other), await TestSites.ProofAsync(Ledger, site, other), None));

        Assert.Equal(SiteAttestation.AddressOf(siteKey), await Ledger.GetSiteKeyAsync(site, None), ignoreCase: true);
    }

    [Fact]
    public async Task Rotation_signed_by_the_old_key_hands_the_site_over_and_the_old_keys_attestations_then_fail()
    {
        var site = TestSites.NewId();
        var oldKey = await TestSites.RegisterNewKeyAsync(Ledger, site);
        var (resourceId, spec) = await ProvisionedOnAsync(site);
        var newKey = TestSites.NewKey();
        var (oldAddress, newAddress) = (SiteAttestation.AddressOf(oldKey), SiteAttestation.AddressOf(newKey));

        var rotationDigest = await Ledger.SiteKeyRotationDigestAsync(site, oldAddress, newAddress, None);
        var byOld = SiteAttestation.Sign(oldKey, rotationDigest);
        var receipt = await Ledger.RotateSiteKeyAsync(site, newAddress, byOld, await TestSites.ProofAsync(Ledger, site, newKey), None);

        Assert.Equal(newAddress, await Ledger.GetSiteKeyAsync(site, None), ignoreCase: true);
        var logged = Assert.Single(await EventsAsync(receipt, "SiteKeyRotated(bytes32,address,address)", site));
        Assert.Equal(EventData(oldAddress, newAddress), logged, ignoreCase: true);
        var digest = await Ledger.AttestationDigestAsync(resourceId, spec, None);
        await AssertRefusedAsync("BadSiteSignature(bytes32,bytes32,address)", Ledger.RecordSiteAttestationAsync(resourceId, spec, SiteAttestation.Sign(oldKey, digest), None));
        await Ledger.RecordSiteAttestationAsync(resourceId, spec, SiteAttestation.Sign(newKey, digest), None);
        Assert.True(await Ledger.IsVerifiedAsync(resourceId, None));
    }

    [Fact]
    public async Task Rotation_signed_by_another_key_than_the_current_one_is_refused()
    {
        var site = TestSites.NewId();
        var current = await TestSites.RegisterNewKeyAsync(Ledger, site);
        var newKey = TestSites.NewKey();
        var newAddress = SiteAttestation.AddressOf(newKey);
        var proof = await TestSites.ProofAsync(Ledger, site, newKey);
        var (contract, chainId) = (Connection.ResourceRegistryAddress, Connection.ChainId);

        // The new key approving itself (what a control plane holding only the new key could produce), and the current
        // key's approval of another new key.
        var bySelf = SiteKeyRegistration.ApproveRotation(newKey, contract, chainId, site, newAddress);
        var forAnotherKey = SiteKeyRegistration.ApproveRotation(current, contract, chainId, site, SiteAttestation.AddressOf(TestSites.NewKey()));
        foreach (var wrong in new[] { bySelf, forAnotherKey })
        {
            await AssertRefusedAsync("BadRotationSignature(bytes32,address,address)", Ledger.RotateSiteKeyAsync(site, newAddress, wrong, proof, None));
        }

        Assert.Equal(SiteAttestation.AddressOf(current), await Ledger.GetSiteKeyAsync(site, None), ignoreCase: true);
    }

    [Fact]
    public async Task Revocation_by_the_admin_leaves_the_site_without_a_key_until_a_new_one_is_registered()
    {
        var site = TestSites.NewId();
        var revoked = await TestSites.RegisterNewKeyAsync(Ledger, site);
        var (resourceId, spec) = await ProvisionedOnAsync(site);

        var receipt = await Ledger.RevokeSiteKeyAsync(site, None);

        Assert.Null(await Ledger.GetSiteKeyAsync(site, None));
        var logged = Assert.Single(await EventsAsync(receipt, "SiteKeyRevoked(bytes32,address)", site));
        Assert.Equal(EventData(SiteAttestation.AddressOf(revoked)), logged, ignoreCase: true);
        var digest = await Ledger.AttestationDigestAsync(resourceId, spec, None);
        await AssertRefusedAsync("BadSiteSignature(bytes32,bytes32,address)", Ledger.RecordSiteAttestationAsync(resourceId, spec, SiteAttestation.Sign(revoked, digest), None));
        // A revoked key never comes back, not even with its holder's proof.
        await AssertRefusedAsync("SiteKeyReused(address,bytes32)",
            Ledger.RegisterSiteKeyAsync(site, SiteAttestation.AddressOf(revoked), await TestSites.ProofAsync(Ledger, site, revoked), None));

        var replacement = await TestSites.RegisterNewKeyAsync(Ledger, site);
        await Ledger.RecordSiteAttestationAsync(resourceId, spec, SiteAttestation.Sign(replacement, digest), None);
        Assert.True(await Ledger.IsVerifiedAsync(resourceId, None));
    }

    [Fact]
    public async Task Revocation_is_refused_to_a_key_holding_only_the_control_plane_role()
    {
        var site = TestSites.NewId();
        await TestSites.RegisterNewKeyAsync(Ledger, site);
        var controlPlaneOnly = SiteAttestation.AddressOf(TestSites.NewKey());
        var controlPlaneRole = Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes("CONTROL_PLANE_ROLE"));
        var grant = await Connection.Gateway.SendAsync(
            new TransactionRequest("test:grant-control-plane:" + controlPlaneOnly, Connection.ResourceRegistryAddress,
                new GrantRoleFunction { Role = controlPlaneRole, Account = controlPlaneOnly }.GetCallData(), 100_000),
            None);
        Assert.True(grant.Succeeded);

        var refused = await Assert.ThrowsAsync<JsonRpcException>(() => Connection.Rpc.CallAsync(
            "eth_call", None,
            new { from = controlPlaneOnly, to = Connection.ResourceRegistryAddress, data = Hex.Bytes(new RevokeSiteKeyFunction { Site = LedgerIds.Of(site) }.GetCallData()) },
            "latest"));

        Assert.Contains(Selector("AccessControlUnauthorizedAccount(address,bytes32)"), refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(await Ledger.GetSiteKeyAsync(site, None));
    }

    [Fact]
    public async Task A_malformed_key_address_or_proof_is_refused_naming_the_argument_before_anything_is_sent()
    {
        var site = TestSites.NewId();
        var siteKey = TestSites.NewKey();
        var address = SiteAttestation.AddressOf(siteKey);
        var proof = await TestSites.ProofAsync(Ledger, site, siteKey);

        Assert.Equal("address", (await Assert.ThrowsAsync<ArgumentException>(() => Ledger.RegisterSiteKeyAsync(site, address[..40], proof, None))).ParamName);
        Assert.Equal("address", (await Assert.ThrowsAsync<ArgumentException>(() => Ledger.SiteKeyDigestAsync(site, "0x" + new string('g', 40), None))).ParamName);
        Assert.Equal("proof", (await Assert.ThrowsAsync<ArgumentException>(() => Ledger.RegisterSiteKeyAsync(site, address, proof[..64], None))).ParamName);

        Assert.Null(await Ledger.GetSiteKeyAsync(site, None));
    }

    [Fact]
    public async Task The_registration_and_rotation_digests_are_the_documented_encoding_and_the_contracts_own()
    {
        var site = TestSites.NewId();
        var (oldKey, newKey) = (SiteAttestation.AddressOf(TestSites.NewKey()), SiteAttestation.AddressOf(TestSites.NewKey()));
        var (contract, chainId) = (Connection.ResourceRegistryAddress, Connection.ChainId);

        // docs/ledger.md: keccak256(abi.encode(keccak256("sankofa.site-key.v1"), contract, chainId, keccak256(site), key)),
        // recomputed with Nethereum's general ABI encoder, as `cast abi-encode` would.
        var abi = new ABIEncode();
        var documented = abi.GetSha3ABIEncoded(
            new ABIValue("bytes32", abi.GetSha3ABIEncodedPacked("sankofa.site-key.v1")), new ABIValue("address", contract),
            new ABIValue("uint256", new BigInteger(chainId)), new ABIValue("bytes32", LedgerIds.Of(site)), new ABIValue("address", oldKey));
        var documentedRotation = abi.GetSha3ABIEncoded(
            new ABIValue("bytes32", abi.GetSha3ABIEncodedPacked("sankofa.site-key-rotation.v1")), new ABIValue("address", contract),
            new ABIValue("uint256", new BigInteger(chainId)), new ABIValue("bytes32", LedgerIds.Of(site)), new ABIValue("address", oldKey), new ABIValue("address", newKey));

        Assert.Equal(documented, await Ledger.SiteKeyDigestAsync(site, oldKey, None));
        Assert.Equal(documented, await ContractViewAsync(new SiteKeyDigestFunction { Site = LedgerIds.Of(site), Key = oldKey }));
        Assert.Equal(documentedRotation, await Ledger.SiteKeyRotationDigestAsync(site, oldKey, newKey, None));
        Assert.Equal(documentedRotation, await ContractViewAsync(new SiteKeyRotationDigestFunction { Site = LedgerIds.Of(site), OldKey = oldKey, NewKey = newKey }));
    }

    /// <summary>A resource requested, placed on the site and provisioned by the control plane, waiting for the site's attestation.</summary>
    private async Task<(string Id, byte[] Spec)> ProvisionedOnAsync(string site)
    {
        var id = "vm-" + Guid.NewGuid();
        var spec = SHA256.HashData(Encoding.UTF8.GetBytes(id));
        await Ledger.RecordRequestedAsync(id, spec, None);
        await Ledger.RecordPlacedAsync(id, site, "host-1", None);
        await Ledger.RecordProvisionedAsync(id, spec, None);
        return (id, spec);
    }

    /// <summary>The data of each <paramref name="eventSignature"/> log the transaction emitted for the site (its indexed topic).</summary>
    private async Task<IReadOnlyList<string>> EventsAsync(LedgerReceipt receipt, string eventSignature, string site)
    {
        var result = await Connection.Rpc.CallAsync("eth_getTransactionReceipt", None, receipt.TransactionHash);
        var (topic, siteTopic) = (Hex.Bytes(Abi.Topic(eventSignature)), Hex.Bytes(LedgerIds.Of(site)));
        return
        [
            .. result.GetProperty("logs").EnumerateArray()
                .Where(log => string.Equals(log.GetProperty("address").GetString(), Connection.ResourceRegistryAddress, StringComparison.OrdinalIgnoreCase))
                .Select(log => (Topics: log.GetProperty("topics").EnumerateArray().Select(t => t.GetString()!).ToArray(), Data: log.GetProperty("data").GetString()!))
                .Where(log => log.Topics.Length == 2 && log.Topics[0] == topic && log.Topics[1] == siteTopic)
                .Select(log => log.Data),
        ];
    }

    private async Task<byte[]> ContractViewAsync<TFunction>(TFunction function)
        where TFunction : FunctionMessage, new()
    {
        var output = await Connection.Rpc.CallAsync("eth_call", None, new { to = Connection.ResourceRegistryAddress, data = Hex.Bytes(function.GetCallData()) }, "latest");
        return Hex.ToBytes(output.GetString()!);
    }

    /// <summary>The call is refused with the contract's custom error <paramref name="error"/> (its signature), named in the message.</summary>
    private static async Task AssertRefusedAsync(string error, Task call)
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => call);
        Assert.StartsWith("ResourceRegistry refuses ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(": " + error[..(error.IndexOf('(', StringComparison.Ordinal) + 1)] + "0x", refused.Message, StringComparison.Ordinal);
        Assert.Contains(Selector(error), refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An event's data holding these addresses, one 32-byte word each.</summary>
    private static string EventData(params string[] addresses) => "0x" + string.Concat(addresses.Select(a => a[2..].PadLeft(64, '0')));

    private static string Selector(string error) => Convert.ToHexStringLower(Abi.Selector(error));

#pragma warning disable CA1812 // instantiated by Nethereum's encoder
    [Nethereum.ABI.FunctionEncoding.Attributes.Function("siteKeyRotationDigest", "bytes32")]
    private sealed class SiteKeyRotationDigestFunction : FunctionMessage
    {
        [Nethereum.ABI.FunctionEncoding.Attributes.Parameter("bytes32", "site", 1)] public byte[] Site { get; set; } = [];
        [Nethereum.ABI.FunctionEncoding.Attributes.Parameter("address", "oldKey", 2)] public string OldKey { get; set; } = string.Empty;
        [Nethereum.ABI.FunctionEncoding.Attributes.Parameter("address", "newKey", 3)] public string NewKey { get; set; } = string.Empty;
    }
#pragma warning restore CA1812
}
