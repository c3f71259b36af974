using System.Security.Cryptography;
using System.Text;
using Sankofa.Agent.Keys;
using Sankofa.Agent.LightClient;
using Sankofa.Agent.Protocol;
using Sankofa.Core.Ledger;

namespace Sankofa.Agent.Tests.LightClient;

/// <summary>
/// What the agent reads about a resource before it works on it and signs for it, proven from a real chain (anvil with
/// the ResourceRegistry, written by the ledger as the control plane writes it), and the attestation digest it signs,
/// checked against the contract's own attestationDigest and accepted by its attest.
/// </summary>
public sealed class ResourceReadTests(RegistryChain chain) : IClassFixture<RegistryChain>, IDisposable
{
    private readonly DirectoryInfo keys = Directory.CreateTempSubdirectory("sankofa-agent-resource-read-");

    public void Dispose() => keys.Delete(recursive: true);

    private static byte[] Spec(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    private ChainLightClient Client(ChainRpcClient rpc)
    {
        var options = chain.Options();
        return new ChainLightClient(rpc, RegistryChain.Verifier(rpc, options), Microsoft.Extensions.Options.Options.Create(options));
    }

    [Fact]
    public async Task A_placed_resource_reads_as_placed_with_its_spec_hash_its_site_and_no_site_attestation_from_one_proof()
    {
        var resource = "vm-" + Guid.NewGuid();
        var spec = Spec("""{"cores":2}""");
        await chain.Ledger.RecordRequestedAsync(resource, spec, CancellationToken.None);
        var placed = await chain.Ledger.RecordPlacedAsync(resource, "edge-read-1", "host-1", CancellationToken.None);
        using var rpc = chain.Rpc();

        var read = await Client(rpc).ReadResourceAsync(chain.Registry, resource, CancellationToken.None);

        Assert.Equal(OnChainResourceState.Placed, read.Header.State);
        Assert.Equal((ulong)placed.BlockNumber, read.Header.UpdatedBlock);
        Assert.Equal(0u, read.Header.SiteAttestations);
        Assert.False(read.Header.SiteAttested);
        Assert.Equal(spec, read.RequestedSpecHash);
        Assert.Equal(RegistrySlots.SiteId("edge-read-1"), read.Site);
        Assert.Contains("trusted checkpoint", read.Block.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resource_the_chain_never_heard_of_reads_as_none_with_zero_values()
    {
        using var rpc = chain.Rpc();

        var read = await Client(rpc).ReadResourceAsync(chain.Registry, "vm-never-" + Guid.NewGuid(), CancellationToken.None);

        Assert.Equal(new ResourceHeaderWord(OnChainResourceState.None, false, false, 0, 0), read.Header);
        Assert.Equal(new byte[32], read.RequestedSpecHash);
        Assert.Equal(new byte[32], read.Site);
    }

    [Fact]
    public async Task The_attestation_digest_is_the_contracts_and_a_site_key_signature_over_it_with_the_proven_count_makes_the_resource_verified()
    {
        var site = "edge-digest-" + Guid.NewGuid().ToString("N")[..6];
        var key = SiteKey.CreateIn(Path.Combine(keys.FullName, site));
        await chain.Ledger.RegisterSiteKeyAsync(site, key.Address, key.Sign(await chain.Ledger.SiteKeyDigestAsync(site, key.Address, CancellationToken.None)), CancellationToken.None);
        var resource = "vm-" + Guid.NewGuid();
        var spec = Spec("""{"cores":4}""");
        await chain.Ledger.RecordRequestedAsync(resource, spec, CancellationToken.None);
        await chain.Ledger.RecordPlacedAsync(resource, site, "host-1", CancellationToken.None);
        using var rpc = chain.Rpc();
        var light = Client(rpc);

        var count = (await light.ReadResourceAsync(chain.Registry, resource, CancellationToken.None)).Header.SiteAttestations;
        var digest = AttestationDigest.Compute(chain.Registry, 31337, resource, spec, count);

        Assert.Equal(await chain.Ledger.AttestationDigestAsync(resource, spec, CancellationToken.None), digest);
        await chain.Ledger.RecordSiteAttestationAsync(resource, spec, key.Sign(digest), CancellationToken.None);
        await chain.Ledger.RecordProvisionedAsync(resource, spec, CancellationToken.None);
        Assert.True(await chain.Ledger.IsVerifiedAsync(resource, CancellationToken.None));

        // The accepted attestation moved the count on: the next digest covers 1, as the contract's does.
        var after = await light.ReadResourceAsync(chain.Registry, resource, CancellationToken.None);
        Assert.Equal((OnChainResourceState.Provisioned, true, true, 1u), (after.Header.State, after.Header.ControlPlaneAttested, after.Header.SiteAttested, after.Header.SiteAttestations));
        Assert.Equal(await chain.Ledger.AttestationDigestAsync(resource, spec, CancellationToken.None), AttestationDigest.Compute(chain.Registry, 31337, resource, spec, 1));
        Assert.NotEqual(digest, AttestationDigest.Compute(chain.Registry, 31337, resource, spec, 1));
    }

    [Theory]
    [InlineData("00000000000000000000000000000000000000000000000000000000000000ff")] // no such state
    [InlineData("0100000000000000000000000000000000000000000000000000000000000002")] // bits above the count
    [InlineData("0000000000000000000000000000000000000000000000000000000000000202")] // a flag that is not a bool
    public void A_word_no_resource_record_could_hold_is_refused(string hex) =>
        Assert.Throws<ChainVerificationException>(() => ResourceHeaderWord.Decode(Convert.FromHexString(hex)));
}
