using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Sankofa.Core.Identity.Credentials;

/// <summary>
/// A did:ethr DID: <c>did:ethr:&lt;chainIdHex&gt;:&lt;address&gt;</c> (for example <c>did:ethr:0x7a69:0xabc…</c>), or the
/// bare <c>did:ethr:&lt;address&gt;</c>, which means the chain this control plane runs on. The address is an identity's
/// controller on the IdentityRegistry, or a control plane's signing address. Only hex chain ids and addresses are
/// accepted: did:ethr's network names (<c>mainnet</c>, …) and public-key form name no chain or account here.
/// </summary>
/// <param name="ChainId">The chain id, or null for the bare form.</param>
/// <param name="Address">0x + 40 lower-case hex digits.</param>
public sealed record EthrDid(long? ChainId, string Address)
{
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>The method prefix.</summary>
    public const string Prefix = "did:ethr:";

    /// <summary>Longest DID accepted; a did:ethr with a 64-bit chain id is 71 characters.</summary>
    public const int MaxLength = 128;

    /// <summary>The fragment naming a did:ethr's one verification method, its controller key.</summary>
    public const string ControllerFragment = "#controller";

    /// <summary>The DID of <paramref name="address"/> on chain <paramref name="chainId"/>.</summary>
    /// <exception cref="ArgumentException">The address is not 0x + 40 hex digits, or is zero.</exception>
    public static EthrDid For(long chainId, string address)
    {
        if (!TryAddress(address, out var normalized, out var problem))
        {
            throw new ArgumentException(problem, nameof(address));
        }

        return new EthrDid(chainId, normalized);
    }

    /// <summary>Reads a did:ethr; on failure <paramref name="problem"/> says what is wrong, for a person.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out EthrDid? did, [NotNullWhen(false)] out string? problem)
    {
        did = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            problem = "Required.";
            return false;
        }

        if (value.Length > MaxLength)
        {
            problem = $"At most {MaxLength} characters.";
            return false;
        }

        // The method name is case-sensitive in DID syntax; "DID:ETHR:" is another (unknown) method.
        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            problem = "Must be a did:ethr DID: did:ethr:<chain id in hex>:<address> or did:ethr:<address>.";
            return false;
        }

        var parts = value[Prefix.Length..].Split(':');
        long? chainId = null;
        string address;
        switch (parts.Length)
        {
            case 1:
                address = parts[0];
                break;
            case 2:
                if (!TryChainId(parts[0], out var id))
                {
                    problem = $"'{parts[0]}' is not a chain id: 0x followed by hex digits (e.g. 0x7a69); network names are not supported.";
                    return false;
                }

                chainId = id;
                address = parts[1];
                break;
            default:
                problem = "Must be did:ethr:<chain id in hex>:<address> or did:ethr:<address>.";
                return false;
        }

        if (!TryAddress(address, out var normalized, out problem))
        {
            return false;
        }

        did = new EthrDid(chainId, normalized);
        return true;
    }

    /// <summary>This DID with its chain id filled in: the form credentials carry.</summary>
    public EthrDid OnChain(long chainId) => this with { ChainId = ChainId ?? chainId };

    /// <summary>The CAIP-10 account id of the address, <c>eip155:&lt;chainId&gt;:&lt;address&gt;</c>.</summary>
    public string BlockchainAccountId(long chainId) => $"eip155:{(ChainId ?? chainId).ToString(CultureInfo.InvariantCulture)}:{Address}";

    /// <summary>The DID, with hex digits in lower case.</summary>
    public override string ToString() =>
        ChainId is { } id ? $"{Prefix}0x{id.ToString("x", CultureInfo.InvariantCulture)}:{Address}" : Prefix + Address;

    private static bool TryChainId(string text, out long chainId)
    {
        chainId = 0;
        return text.Length is > 2 and <= 18
            && text.StartsWith("0x", StringComparison.Ordinal)
            && !text.AsSpan(2).ContainsAnyExcept(HexDigits)
            && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out chainId)
            && chainId > 0;
    }

    private static bool TryAddress(string? text, out string address, [NotNullWhen(false)] out string? problem)
    {
        address = string.Empty;
        if (text is null || text.Length != 42 || !text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || text.AsSpan(2).ContainsAnyExcept(HexDigits))
        {
            problem = $"'{text}' is not an Ethereum address: 0x followed by 40 hex digits.";
            return false;
        }

        if (!text.AsSpan(2).ContainsAnyExcept('0'))
        {
            problem = "The zero address is no one's DID.";
            return false;
        }

        address = "0x" + text[2..].ToLowerInvariant();
        problem = null;
        return true;
    }
}
