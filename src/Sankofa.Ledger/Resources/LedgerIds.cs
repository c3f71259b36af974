using System.Text;
using Nethereum.Util;

namespace Sankofa.Ledger.Resources;

/// <summary>
/// How Sankofa's string ids become the contract's bytes32 keys: keccak-256 of the UTF-8 bytes. Public so that anyone
/// checking the chain (the CLI, an auditor's script) derives the same keys from the ids they see in the API.
/// </summary>
public static class LedgerIds
{
    /// <summary>keccak-256 of the id's UTF-8 bytes.</summary>
    public static byte[] Of(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(id));
    }
}
