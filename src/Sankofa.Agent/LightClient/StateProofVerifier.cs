using System.Numerics;

namespace Sankofa.Agent.LightClient;

/// <summary>
/// Checks <c>eth_getProof</c> answers: the account against a block's state root, then a storage slot against the
/// account's proven storage root, and returns only what the proofs show. A claimed field that differs from the proven
/// one is refused too, so a node cannot send a good proof beside a wrong value.
/// </summary>
public static class StateProofVerifier
{
    /// <summary>keccak-256 of empty code: the code hash of an account that does not exist.</summary>
    private static readonly byte[] EmptyCodeHash = Convert.FromHexString("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

    /// <summary>
    /// Proves account <paramref name="address"/> against <paramref name="stateRoot"/> with <paramref name="proof"/>
    /// (an absent account proves empty).
    /// </summary>
    /// <exception cref="ChainVerificationException">
    /// The proof is for another account, does not hold, or claims fields that differ from the proven ones.
    /// </exception>
    public static ProvenAccount VerifyAccount(byte[] stateRoot, string address, AccountProof proof)
    {
        ArgumentNullException.ThrowIfNull(stateRoot);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(proof);
        var account = AddressBytes(address);
        var what = $"account {proof.Address}";
        if (!Convert.FromHexString(proof.Address[2..]).AsSpan().SequenceEqual(account))
        {
            throw new ChainVerificationException($"{what}: the answer is about another account than {address}.");
        }

        // The path comes from the address asked about, never from the answer.
        var leaf = TrieProof.Find(stateRoot, Rlp.Keccak(account), proof.Nodes, what);
        var proven = leaf is null
            ? new ProvenAccount(proof.Address, BigInteger.Zero, BigInteger.Zero, TrieProof.EmptyRoot, EmptyCodeHash)
            : Account(proof.Address, leaf, what);
        Same(what, "nonce", proof.Nonce, proven.Nonce);
        Same(what, "balance", proof.Balance, proven.Balance);
        Same(what, "storageHash", Hex(proof.StorageHash), Hex(proven.StorageRoot));
        Same(what, "codeHash", Hex(proof.CodeHash), Hex(proven.CodeHash));
        return proven;
    }

    /// <summary>
    /// Proves account <paramref name="address"/>, then <paramref name="slot"/> of its storage, and returns the slot's
    /// value as 32 big-endian bytes (zero when the proof shows the slot empty).
    /// </summary>
    /// <exception cref="ChainVerificationException">
    /// A proof does not hold, the slot is not in the answer, or a claimed value differs from the proven one.
    /// </exception>
    public static byte[] VerifyStorage(byte[] stateRoot, string address, byte[] slot, AccountProof proof)
    {
        ArgumentNullException.ThrowIfNull(slot);
        return VerifyStorage(stateRoot, address, [slot], proof)[0];
    }

    /// <summary>
    /// Proves account <paramref name="address"/> once, then each of <paramref name="slots"/> of its storage, and returns
    /// their values in the order asked (each 32 big-endian bytes; zero when the proof shows the slot empty).
    /// </summary>
    /// <exception cref="ChainVerificationException">
    /// A proof does not hold, a slot is not in the answer, or a claimed value differs from the proven one.
    /// </exception>
    public static IReadOnlyList<byte[]> VerifyStorage(byte[] stateRoot, string address, IReadOnlyList<byte[]> slots, AccountProof proof)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var account = VerifyAccount(stateRoot, address, proof);
        return [.. slots.Select(slot => VerifySlot(account, slot, proof))];
    }

    private static byte[] VerifySlot(ProvenAccount account, byte[] slot, AccountProof proof)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var key = Word(slot, "the slot");
        var what = $"slot 0x{Convert.ToHexStringLower(key)} of {proof.Address}";
        var entry = proof.Storage.FirstOrDefault(s => Word(s.Key, "a storage key").AsSpan().SequenceEqual(key))
            ?? throw new ChainVerificationException($"{what}: the answer has no proof for it.");
        var leaf = TrieProof.Find(account.StorageRoot, Rlp.Keccak(key), entry.Nodes, what);
        var value = leaf is null ? new byte[32] : Word(Rlp.DecodeString(leaf, what), what);
        Same(what, "value", Hex(Word(entry.Value, what)), Hex(value));
        return value;
    }

    private static ProvenAccount Account(string address, byte[] leaf, string what)
    {
        var fields = Rlp.DecodeList(leaf, what);
        if (fields.Count != 4)
        {
            throw new ChainVerificationException($"{what}: the proven account has {fields.Count} fields, expected 4.");
        }

        return new ProvenAccount(
            address,
            new BigInteger(Rlp.Bytes(fields[0], what), isUnsigned: true, isBigEndian: true),
            new BigInteger(Rlp.Bytes(fields[1], what), isUnsigned: true, isBigEndian: true),
            Rlp.Bytes(fields[2], what),
            Rlp.Bytes(fields[3], what));
    }

    private static byte[] AddressBytes(string address) =>
        address.Length == 42 && address.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? Convert.FromHexString(address.AsSpan(2))
            : throw new ArgumentException($"'{address}' is not a 0x-prefixed 20-byte address.", nameof(address));

    // A storage word: the value left-padded to 32 bytes.
    private static byte[] Word(byte[] value, string what)
    {
        if (value.Length > 32)
        {
            throw new ChainVerificationException($"{what} has {value.Length} bytes, more than a storage word.");
        }

        var word = new byte[32];
        value.CopyTo(word, 32 - value.Length);
        return word;
    }

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    private static void Same<T>(string what, string field, T claimed, T proven)
    {
        if (!EqualityComparer<T>.Default.Equals(claimed, proven))
        {
            throw new ChainVerificationException($"{what}: the answer claims {field} {claimed}, the proof shows {proven}.");
        }
    }
}
