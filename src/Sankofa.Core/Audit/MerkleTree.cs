using System.Security.Cryptography;

namespace Sankofa.Core.Audit;

/// <summary>
/// Binary SHA-256 Merkle tree over 32-byte leaves. An odd node at the end of a level is promoted
/// unchanged (no duplication), so a proof never contains a sibling equal to the node itself and
/// the tree cannot be extended by repeating its last leaf (the CVE-2012-2459 weakness).
/// Interior nodes are <c>SHA256(0x01 || left || right)</c>; leaves are hashed by the caller.
/// </summary>
public static class MerkleTree
{
    /// <summary>Size in bytes of every node.</summary>
    public const int NodeSize = 32;

    /// <summary>Computes the root of <paramref name="leaves"/>; the root of one leaf is that leaf.</summary>
    public static byte[] ComputeRoot(IReadOnlyList<byte[]> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        if (leaves.Count == 0)
        {
            throw new ArgumentException("A Merkle tree needs at least one leaf.", nameof(leaves));
        }

        var level = leaves.ToArray();
        while (level.Length > 1)
        {
            level = NextLevel(level);
        }

        return level[0];
    }

    /// <summary>
    /// Builds the root and, for every leaf, its inclusion proof: the sibling hashes from the leaf
    /// level upwards, concatenated (32 bytes each). Levels where the node had no sibling add nothing.
    /// </summary>
    public static (byte[] Root, byte[][] Proofs) Build(IReadOnlyList<byte[]> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        if (leaves.Count == 0)
        {
            throw new ArgumentException("A Merkle tree needs at least one leaf.", nameof(leaves));
        }

        var proofs = new List<byte>[leaves.Count];
        for (var i = 0; i < proofs.Length; i++)
        {
            proofs[i] = new List<byte>(NodeSize * 16);
        }

        // positions[i] = index of leaf i's ancestor in the current level.
        var positions = Enumerable.Range(0, leaves.Count).ToArray();
        var level = leaves.ToArray();
        while (level.Length > 1)
        {
            for (var i = 0; i < positions.Length; i++)
            {
                var p = positions[i];
                var sibling = p ^ 1;
                if (sibling < level.Length)
                {
                    proofs[i].AddRange(level[sibling]);
                }

                positions[i] = p / 2;
            }

            level = NextLevel(level);
        }

        return (level[0], proofs.Select(p => p.ToArray()).ToArray());
    }

    /// <summary>
    /// Recomputes the root from a leaf, its index, the number of leaves in the tree and its proof.
    /// Returns <c>null</c> when the proof has the wrong length for that position.
    /// </summary>
    public static byte[]? RootFromProof(ReadOnlySpan<byte> leaf, long index, long leafCount, ReadOnlySpan<byte> proof)
    {
        if (leaf.Length != NodeSize || index < 0 || index >= leafCount || proof.Length % NodeSize != 0)
        {
            return null;
        }

        Span<byte> node = stackalloc byte[NodeSize];
        leaf.CopyTo(node);
        Span<byte> buffer = stackalloc byte[1 + (2 * NodeSize)];
        var offset = 0;
        var width = leafCount;
        var position = index;
        while (width > 1)
        {
            var sibling = position ^ 1;
            if (sibling < width)
            {
                if (offset + NodeSize > proof.Length)
                {
                    return null;
                }

                var siblingHash = proof.Slice(offset, NodeSize);
                offset += NodeSize;
                buffer[0] = 0x01;
                if ((position & 1) == 0)
                {
                    node.CopyTo(buffer[1..]);
                    siblingHash.CopyTo(buffer[(1 + NodeSize)..]);
                }
                else
                {
                    siblingHash.CopyTo(buffer[1..]);
                    node.CopyTo(buffer[(1 + NodeSize)..]);
                }

                SHA256.HashData(buffer, node);
            }

            position /= 2;
            width = (width + 1) / 2;
        }

        return offset == proof.Length ? node.ToArray() : null;
    }

    private static byte[][] NextLevel(byte[][] level)
    {
        var next = new byte[(level.Length + 1) / 2][];
        Span<byte> buffer = stackalloc byte[1 + (2 * NodeSize)];
        for (var i = 0; i < next.Length; i++)
        {
            var left = 2 * i;
            if (left + 1 >= level.Length)
            {
                next[i] = level[left];
                continue;
            }

            buffer[0] = 0x01;
            level[left].CopyTo(buffer[1..]);
            level[left + 1].CopyTo(buffer[(1 + NodeSize)..]);
            next[i] = SHA256.HashData(buffer);
        }

        return next;
    }
}
