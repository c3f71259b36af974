using System.Text.Json;
using System.Text.Json.Nodes;
using Sankofa.Agent.LightClient;

namespace Sankofa.Agent.Tests.LightClient;

/// <summary>Headers of a real chain (anvil) as eth_getBlockByNumber gives them: hashed, linked, and refused when altered.</summary>
public sealed class BlockHeaderTests(RegistryChain chain) : IClassFixture<RegistryChain>
{
    [Fact]
    public async Task Headers_of_the_embedded_chain_hash_to_what_the_node_reports_and_link_by_parent_hash()
    {
        await chain.RegisterSiteKeyAsync("edge-header-1");
        await chain.MineAsync(3);
        using var rpc = chain.Rpc();
        var head = await rpc.GetBlockHeaderAsync(null, CancellationToken.None);
        var headers = new List<BlockHeader>();
        for (var n = 0L; n <= head.Number; n++)
        {
            headers.Add(await rpc.GetBlockHeaderAsync(n, CancellationToken.None));
        }

        var last = HeaderChain.CheckLinks(headers, ChainConsensus.Embedded);

        Assert.Equal(head.ClaimedHash, last);
        Assert.All(headers, h => Assert.Equal(h.ClaimedHash, h.ComputeHash()));
    }

    [Fact]
    public async Task A_header_with_a_changed_state_root_no_longer_hashes_to_its_claimed_hash()
    {
        var block = JsonNode.Parse((await chain.RawBlockAsync(1)).GetRawText())!.AsObject();
        block["stateRoot"] = "0x" + new string('1', 64);

        var error = Assert.Throws<ChainVerificationException>(() =>
            HeaderChain.VerifiedHash(BlockHeader.FromJson(JsonSerializer.SerializeToElement(block)), ChainConsensus.Embedded));
        Assert.Contains("not to the 0x", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Headers_that_skip_a_block_do_not_link()
    {
        await chain.MineAsync(3);
        using var rpc = chain.Rpc();
        var first = await rpc.GetBlockHeaderAsync(1, CancellationToken.None);
        var third = await rpc.GetBlockHeaderAsync(3, CancellationToken.None);

        var error = Assert.Throws<ChainVerificationException>(() => HeaderChain.CheckLinks([first, third], ChainConsensus.Embedded));
        Assert.Contains("does not follow block 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_block_without_a_header_field_is_refused_naming_the_field()
    {
        var block = JsonNode.Parse((await chain.RawBlockAsync(1)).GetRawText())!.AsObject();
        block.Remove("receiptsRoot");

        var error = Assert.Throws<ChainVerificationException>(() => BlockHeader.FromJson(JsonSerializer.SerializeToElement(block)));
        Assert.Contains("receiptsRoot", error.Message, StringComparison.Ordinal);
    }
}
