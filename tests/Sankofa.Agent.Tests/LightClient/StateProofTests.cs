using Sankofa.Agent.Protocol;
using System.Security.Cryptography;
using System.Text;
using Sankofa.Agent.LightClient;

namespace Sankofa.Agent.Tests.LightClient;

/// <summary>
/// eth_getProof answers of a real chain (anvil, ResourceRegistry written by the ledger) proven against the state root of
/// a verified header, and every kind of tampering refused.
/// </summary>
public sealed class StateProofTests(RegistryChain chain) : IClassFixture<RegistryChain>
{
    private static byte[] Spec(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    private static string NewAddress() => "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    private ChainLightClient Client(ChainRpcClient rpc, LightClientOptions? options = null)
    {
        options ??= chain.Options();
        return new ChainLightClient(rpc, RegistryChain.Verifier(rpc, options), Microsoft.Extensions.Options.Options.Create(options));
    }

    /// <summary>A site key registered on chain, and the proof of its slot at the head.</summary>
    private async Task<(byte[] StateRoot, AccountProof Proof, byte[] Slot, string Key)> RegisteredSiteKeyAsync(ChainRpcClient rpc)
    {
        var site = "edge-" + Guid.NewGuid().ToString("N")[..8];
        var key = await chain.RegisterSiteKeyAsync(site);
        var head = await rpc.GetBlockHeaderAsync(null, CancellationToken.None);
        var slot = RegistrySlots.SiteKey(site);
        return (head.StateRoot, await rpc.GetProofAsync(chain.Registry, [slot], head.Number, CancellationToken.None), slot, key);
    }

    [Fact]
    public async Task A_registered_site_key_is_proven_from_the_state_root_of_a_header_linked_to_the_checkpoint()
    {
        var key = await chain.RegisterSiteKeyAsync("edge-proven-1");
        using var rpc = chain.Rpc();

        var proven = await Client(rpc).ReadStorageAsync(chain.Registry, RegistrySlots.SiteKey("edge-proven-1"), CancellationToken.None);

        Assert.Equal(key, RegistrySlots.Address(proven.Value));
        Assert.Contains($"trusted checkpoint {chain.Checkpoint.Number}", proven.Block.Basis, StringComparison.Ordinal);
        Assert.Contains("without seals", proven.Block.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_requested_spec_hash_is_proven()
    {
        var resource = "vm-" + Guid.NewGuid();
        var spec = Spec("""{"cores":4,"memoryMiB":8192}""");
        await chain.Ledger.RecordRequestedAsync(resource, spec, CancellationToken.None);
        using var rpc = chain.Rpc();

        var proven = await Client(rpc).ReadStorageAsync(chain.Registry, RegistrySlots.RequestedSpecHash(resource), CancellationToken.None);

        Assert.Equal(spec, proven.Value);
    }

    [Fact]
    public async Task A_slot_never_written_proves_zero()
    {
        using var rpc = chain.Rpc();

        var proven = await Client(rpc).ReadStorageAsync(chain.Registry, RegistrySlots.SiteKey("edge-never-registered"), CancellationToken.None);

        Assert.Equal(new byte[32], proven.Value);
    }

    [Fact]
    public async Task A_proof_with_a_tampered_node_is_refused()
    {
        using var rpc = chain.Rpc();
        var (root, proof, slot, _) = await RegisteredSiteKeyAsync(rpc);
        var storage = proof.Storage[0];
        var node = storage.Nodes[^1].ToArray();
        node[^1] ^= 0x01;
        var tampered = proof with { Storage = [storage with { Nodes = [.. storage.Nodes.SkipLast(1), node] }] };

        var error = Assert.Throws<ChainVerificationException>(() => StateProofVerifier.VerifyStorage(root, chain.Registry, slot, tampered));
        Assert.Contains("lacks the node", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proof_cut_short_is_refused_rather_than_read_as_an_empty_slot()
    {
        using var rpc = chain.Rpc();
        var (root, proof, slot, _) = await RegisteredSiteKeyAsync(rpc);
        var storage = proof.Storage[0];
        var cut = proof with { Storage = [storage with { Nodes = [.. storage.Nodes.SkipLast(1)], Value = [] }] };

        var error = Assert.Throws<ChainVerificationException>(() => StateProofVerifier.VerifyStorage(root, chain.Registry, slot, cut));
        Assert.Contains("lacks the node", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proof_checked_against_an_earlier_state_root_is_refused()
    {
        using var rpc = chain.Rpc();
        var (_, proof, slot, _) = await RegisteredSiteKeyAsync(rpc);
        var before = await rpc.GetBlockHeaderAsync(chain.Checkpoint.Number, CancellationToken.None);

        var error = Assert.Throws<ChainVerificationException>(() => StateProofVerifier.VerifyStorage(before.StateRoot, chain.Registry, slot, proof));
        Assert.Contains($"account {chain.Registry}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_other_than_the_proven_one_is_refused()
    {
        using var rpc = chain.Rpc();
        var (root, proof, slot, key) = await RegisteredSiteKeyAsync(rpc);
        var forged = proof with { Storage = [proof.Storage[0] with { Value = Convert.FromHexString(NewAddress()[2..]) }] };

        var error = Assert.Throws<ChainVerificationException>(() => StateProofVerifier.VerifyStorage(root, chain.Registry, slot, forged));
        Assert.Contains("the answer claims value", error.Message, StringComparison.Ordinal);
        Assert.Equal(key, RegistrySlots.Address(StateProofVerifier.VerifyStorage(root, chain.Registry, slot, proof)));
    }

    [Fact]
    public async Task A_claimed_storage_root_other_than_the_proven_one_is_refused()
    {
        using var rpc = chain.Rpc();
        var (root, proof, slot, _) = await RegisteredSiteKeyAsync(rpc);
        var forged = proof with { StorageHash = new byte[32] };

        var error = Assert.Throws<ChainVerificationException>(() => StateProofVerifier.VerifyStorage(root, chain.Registry, slot, forged));
        Assert.Contains("the answer claims storageHash", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proof_of_another_account_is_refused()
    {
        using var rpc = chain.Rpc();
        var (root, proof, slot, _) = await RegisteredSiteKeyAsync(rpc);

        var error = Assert.Throws<ChainVerificationException>(() => StateProofVerifier.VerifyStorage(root, chain.AuditAnchor, slot, proof));
        Assert.Contains("another account", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_serving_another_chain_is_refused()
    {
        using var rpc = chain.Rpc();

        var error = await Assert.ThrowsAsync<ChainVerificationException>(() =>
            Client(rpc, chain.Options(chainId: 1)).ReadStorageAsync(chain.Registry, RegistrySlots.SiteKey("edge-any"), CancellationToken.None));
        Assert.Contains("serves chain 31337, not chain 1", error.Message, StringComparison.Ordinal);
    }
}
