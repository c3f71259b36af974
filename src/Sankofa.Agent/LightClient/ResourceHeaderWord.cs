using System.Buffers.Binary;
using Sankofa.Core.Ledger;

namespace Sankofa.Agent.LightClient;

/// <summary>
/// The first storage word of a resource in the ResourceRegistry (<c>Stored</c>'s slot 0), as solc packs it from the
/// low-order end: state (uint8), controlPlaneAttested (bool), siteAttested (bool), updatedBlock (uint64),
/// siteAttestations (uint32).
/// </summary>
/// <param name="State">The lifecycle state.</param>
/// <param name="ControlPlaneAttested">Whether the control plane attested the requested spec hash.</param>
/// <param name="SiteAttested">Whether the site attested the requested spec hash.</param>
/// <param name="UpdatedBlock">Block of the last transition.</param>
/// <param name="SiteAttestations">How many site attestations changed the record: the count the next signature covers.</param>
public sealed record ResourceHeaderWord(OnChainResourceState State, bool ControlPlaneAttested, bool SiteAttested, ulong UpdatedBlock, uint SiteAttestations)
{
    /// <summary>Takes a proven 32-byte big-endian storage word apart.</summary>
    /// <exception cref="ChainVerificationException">The word holds bits no field of the struct uses, or a state the contract has not.</exception>
    public static ResourceHeaderWord Decode(byte[] word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length != 32)
        {
            throw new ArgumentException("A storage word is 32 bytes.", nameof(word));
        }

        // Byte 31 is the lowest-order byte: the first field. The 15 bytes above the count are unused.
        if (word.AsSpan(0, 17).ContainsAnyExcept((byte)0) || word[31] > (byte)OnChainResourceState.Removing || word[30] > 1 || word[29] > 1)
        {
            throw new ChainVerificationException($"0x{Convert.ToHexStringLower(word)} is not a resource record's first word.");
        }

        return new ResourceHeaderWord(
            (OnChainResourceState)word[31],
            word[30] == 1,
            word[29] == 1,
            BinaryPrimitives.ReadUInt64BigEndian(word.AsSpan(21, 8)),
            BinaryPrimitives.ReadUInt32BigEndian(word.AsSpan(17, 4)));
    }
}
