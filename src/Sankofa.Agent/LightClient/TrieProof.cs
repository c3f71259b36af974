using Nethereum.RLP;

namespace Sankofa.Agent.LightClient;

/// <summary>
/// Follows a Merkle-Patricia proof (the nodes of <c>eth_getProof</c>) from a trie root down a key's path.
/// Written here rather than taken from Nethereum.Merkle.Patricia because its verifiers read a node missing from the
/// proof as an empty subtree: a proof with its last node cut off would then "prove" that a slot holds zero, which is
/// exactly how a revocation could be hidden. Here every node on the path must be in the proof and hash to its reference.
/// </summary>
internal static class TrieProof
{
    /// <summary>Root of the empty trie: keccak-256 of the RLP empty string.</summary>
    public static readonly byte[] EmptyRoot = Convert.FromHexString("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");

    private const int BranchWidth = 17;

    /// <summary>
    /// The value stored under <paramref name="path"/> (a 32-byte hashed key) in the trie with root <paramref name="root"/>,
    /// or null when the proof shows no value there.
    /// </summary>
    /// <exception cref="ChainVerificationException">The proof does not lead from the root along the path.</exception>
    public static byte[]? Find(byte[] root, byte[] path, IReadOnlyList<byte[]> proof, string what)
    {
        if (root.AsSpan().SequenceEqual(EmptyRoot))
        {
            return null;
        }

        var hashes = proof.Select(Rlp.Keccak).ToArray();
        var nibbles = Nibbles(path);
        var position = 0;
        IRLPElement reference = new RLPItem(root);
        while (true)
        {
            var node = Resolve(reference, proof, hashes, what);
            if (node.Count == BranchWidth)
            {
                if (position == nibbles.Length)
                {
                    return Rlp.Bytes(node[16], $"{what}: a branch's value") is { Length: > 0 } value ? value : null;
                }

                reference = node[nibbles[position++]];
                if (reference is not RLPCollection && (reference.RLPData ?? []).Length == 0)
                {
                    return null; // the branch has no child where the path goes on
                }

                continue;
            }

            if (node.Count != 2)
            {
                throw new ChainVerificationException($"{what}: a proof node has {node.Count} items, neither a branch (17) nor a leaf or extension (2).");
            }

            var (segment, leaf) = HexPrefix(Rlp.Bytes(node[0], $"{what}: a node's path"), what);
            var remaining = nibbles.AsSpan(position);
            if (leaf)
            {
                return remaining.SequenceEqual(segment) ? NonEmpty(node[1]) : null;
            }

            if (segment.Length == 0)
            {
                throw new ChainVerificationException($"{what}: a proof node is an extension with an empty path.");
            }

            if (!remaining.StartsWith(segment))
            {
                return null; // the extension leads elsewhere: nothing is stored under the path
            }

            position += segment.Length;
            reference = node[1];
        }
    }

    // A reference is a node's hash (looked up in the proof) or, for a node shorter than 32 bytes, the node itself.
    private static RLPCollection Resolve(IRLPElement reference, IReadOnlyList<byte[]> proof, byte[][] hashes, string what)
    {
        if (reference is RLPCollection embedded)
        {
            return embedded;
        }

        var hash = reference.RLPData ?? [];
        if (hash.Length != 32)
        {
            throw new ChainVerificationException($"{what}: a node refers to a child by {hash.Length} bytes, neither a hash nor an embedded node.");
        }

        var index = Array.FindIndex(hashes, h => h.AsSpan().SequenceEqual(hash));
        return index >= 0
            ? Rlp.DecodeList(proof[index], $"{what}: proof node {index}")
            : throw new ChainVerificationException($"{what}: the proof lacks the node 0x{Convert.ToHexStringLower(hash)} on the path, so it proves nothing.");
    }

    private static byte[] NonEmpty(IRLPElement value) =>
        Rlp.Bytes(value, "a trie value") is { Length: > 0 } bytes ? bytes : throw new ChainVerificationException("A trie leaf holds an empty value.");

    private static byte[] Nibbles(byte[] bytes)
    {
        var nibbles = new byte[bytes.Length * 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            nibbles[2 * i] = (byte)(bytes[i] >> 4);
            nibbles[(2 * i) + 1] = (byte)(bytes[i] & 0x0f);
        }

        return nibbles;
    }

    // Hex-prefix encoding of a leaf's or extension's path: the first nibble says which (2, 3: leaf) and whether the
    // length is odd (1, 3: the second nibble is the first of the path).
    private static (byte[] Nibbles, bool Leaf) HexPrefix(byte[] encoded, string what)
    {
        if (encoded.Length == 0 || encoded[0] >> 4 > 3 || (encoded[0] >> 4 is 0 or 2 && (encoded[0] & 0x0f) != 0))
        {
            throw new ChainVerificationException($"{what}: a node's path is not hex-prefix encoded.");
        }

        var flag = encoded[0] >> 4;
        var all = Nibbles(encoded);
        return (all[(flag % 2 == 1 ? 1 : 2)..], flag >= 2);
    }
}
