using System.Text;
using Nethereum.Util;

namespace Sankofa.Agent.Protocol;

/// <summary>
/// Where <c>contracts/ResourceRegistry.sol</c> keeps what the agent acts on (and the control plane proves for it), as
/// solc lays out its storage (in the proxy's account, the registry's address): the upgradeable OpenZeppelin bases keep
/// theirs in ERC-7201 namespaces, so the registry's own come first: <c>_resources</c> (0), <c>_divergent</c> (1) and
/// <c>_siteKeys</c> (2). An upgrade may append state, never move these. A mapping's entry for key k lives at
/// keccak-256(k ‖ slot). Ids are keccak-256 of their UTF-8 bytes, as the ledger derives them.
/// </summary>
public static class RegistrySlots
{
    private const int ResourcesSlot = 0;
    private const int SiteKeysSlot = 2;

    // Stored: slot 0 packs state, flags, updatedBlock and the attestation count; slot 1 is the requested spec hash,
    // slot 2 the site it was placed at (keccak-256 of the site id).
    private const int SpecHashOffset = 1;
    private const int SiteOffset = 2;

    /// <summary>The slot holding the address registered as <paramref name="siteId"/>'s key (zero when none).</summary>
    public static byte[] SiteKey(string siteId) => Mapping(Id(siteId), SiteKeysSlot);

    /// <summary>The slot holding the spec hash recorded when <paramref name="resourceId"/> was requested (zero when none).</summary>
    public static byte[] RequestedSpecHash(string resourceId) => Plus(ResourceHeader(resourceId), SpecHashOffset);

    /// <summary>
    /// The slot packing <paramref name="resourceId"/>'s state, attestation flags, last block and site attestation count
    /// (the agent reads it with <c>ResourceHeaderWord.Decode</c>).
    /// </summary>
    public static byte[] ResourceHeader(string resourceId) => Mapping(Id(resourceId), ResourcesSlot);

    /// <summary>The slot holding keccak-256 of the site <paramref name="resourceId"/> was placed at (zero until placed).</summary>
    public static byte[] PlacedSite(string resourceId) => Plus(ResourceHeader(resourceId), SiteOffset);

    /// <summary>
    /// The three slots of <paramref name="resourceId"/> an agent acts on, in this order: the header word, the requested
    /// spec hash and the placement site (what a work order's proof covers).
    /// </summary>
    public static byte[][] Resource(string resourceId) => [ResourceHeader(resourceId), RequestedSpecHash(resourceId), PlacedSite(resourceId)];

    /// <summary>keccak-256 of a site id's UTF-8 bytes: how the registry names the site.</summary>
    public static byte[] SiteId(string siteId) => Id(siteId);

    // A struct's later fields follow its first slot: slot + offset, as a 256-bit big-endian sum.
    private static byte[] Plus(byte[] slot, int offset)
    {
        for (var (i, carry) = (31, offset); carry > 0 && i >= 0; i--)
        {
            var sum = slot[i] + carry;
            slot[i] = (byte)sum;
            carry = sum >> 8;
        }

        return slot;
    }

    /// <summary>The address held in a storage word (its low 20 bytes), 0x-prefixed lower-case hex.</summary>
    public static string Address(byte[] word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return "0x" + Convert.ToHexStringLower(word.AsSpan(word.Length - 20));
    }

    private static byte[] Id(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(id));
    }

    private static byte[] Mapping(byte[] key, int slot)
    {
        var preimage = new byte[64];
        key.CopyTo(preimage, 0);
        preimage[63] = (byte)slot;
        return Sha3Keccack.Current.CalculateHash(preimage);
    }
}
