using System.Security.Cryptography;
using Sankofa.Core.Audit;

namespace Sankofa.Core.Tests.Audit;

public class MerkleTreeTests
{
    private static byte[][] Leaves(int count) =>
        Enumerable.Range(0, count).Select(i => SHA256.HashData(BitConverter.GetBytes(i))).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(33)]
    [InlineData(1000)]
    public void Every_leaf_proof_leads_back_to_the_root(int count)
    {
        var leaves = Leaves(count);
        var (root, proofs) = MerkleTree.Build(leaves);

        Assert.Equal(root, MerkleTree.ComputeRoot(leaves));
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(root, MerkleTree.RootFromProof(leaves[i], i, count, proofs[i]));
        }
    }

    [Fact]
    public void The_root_of_two_leaves_is_the_prefixed_hash_of_their_concatenation()
    {
        var leaves = Leaves(2);
        var expected = SHA256.HashData([0x01, .. leaves[0], .. leaves[1]]);

        Assert.Equal(expected, MerkleTree.ComputeRoot(leaves));
    }

    [Fact]
    public void A_changed_sibling_in_the_proof_gives_another_root()
    {
        var leaves = Leaves(16);
        var (root, proofs) = MerkleTree.Build(leaves);
        var proof = proofs[5].ToArray();
        proof[40] ^= 0xFF;

        Assert.NotEqual(root, MerkleTree.RootFromProof(leaves[5], 5, 16, proof));
    }

    [Fact]
    public void A_proof_for_another_position_does_not_verify()
    {
        var leaves = Leaves(16);
        var (root, proofs) = MerkleTree.Build(leaves);

        Assert.NotEqual(root, MerkleTree.RootFromProof(leaves[5], 6, 16, proofs[5]));
    }

    [Fact]
    public void A_proof_of_the_wrong_length_is_rejected()
    {
        var leaves = Leaves(5);
        var (_, proofs) = MerkleTree.Build(leaves);

        Assert.Null(MerkleTree.RootFromProof(leaves[0], 0, 5, proofs[0].AsSpan(0, 32)));
        Assert.Null(MerkleTree.RootFromProof(leaves[0], 0, 5, [.. proofs[0], .. new byte[32]]));
    }

    [Fact]
    public void Repeating_the_last_leaf_changes_the_root()
    {
        var leaves = Leaves(3);

        Assert.NotEqual(MerkleTree.ComputeRoot(leaves), MerkleTree.ComputeRoot([.. leaves, leaves[2]]));
    }
}
