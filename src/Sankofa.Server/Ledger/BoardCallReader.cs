using System.Globalization;
using System.Numerics;
using System.Text;
using Nethereum.Util;
using Sankofa.Core.Ledger;

namespace Sankofa.Server.Ledger;

/// <summary>A proposal's call as a person reads it: the contract named when it is one of ours, the function decoded when the board decides it.</summary>
/// <param name="Target">The contract's address.</param>
/// <param name="TargetName">ResourceRegistry, AuditAnchor, IdentityRegistry, SankofaBoard or Timelock; null for another contract.</param>
/// <param name="Calldata">The calldata as proposed (0x hex).</param>
/// <param name="Function">The function with its arguments (sites and roles by name), e.g. <c>failover(site = core-001, to = core-002)</c>; null when not decoded.</param>
internal sealed record BoardCallView(string Target, string? TargetName, string Calldata, string? Function);

/// <summary>
/// Decodes the calls a board proposes (the decisions <c>sankofa gov propose</c> names, docs/governance.md) by their
/// selectors; anything else, or calldata that does not fit its signature, is shown as it is. Site ids and role names
/// come back from their keccak-256, as the contracts key them.
/// </summary>
internal sealed class BoardCallReader
{
    private static readonly string[] Signatures =
    [
        "setSiteKey(bytes32,address,bytes)", "revokeSiteKey(bytes32)", "failover(bytes32,bytes32)", "restore(bytes32)",
        "upgradeToAndCall(address,bytes)", "grantRole(bytes32,address)", "revokeRole(bytes32,address)", "pause()", "unpause()",
        "addMember(address)", "removeMember(address)", "setThresholds(uint32,uint32)",
    ];

    // Argument names, so a person reads what each value is (the contracts' own parameter names).
    private static readonly Dictionary<string, string[]> Names = new(StringComparer.Ordinal)
    {
        ["setSiteKey"] = ["site", "key", "proof"], ["revokeSiteKey"] = ["site"], ["failover"] = ["site", "to"], ["restore"] = ["site"],
        ["upgradeToAndCall"] = ["implementation", "data"], ["grantRole"] = ["role", "account"], ["revokeRole"] = ["role", "account"],
        ["addMember"] = ["member"], ["removeMember"] = ["member"], ["setThresholds"] = ["threshold", "emergencyThreshold"],
    };

    private static readonly string[] Roles =
        ["CONTROL_PLANE_ROLE", "ANCHORER_ROLE", "REGISTRAR_ROLE", "SITE_REGISTRAR_ROLE", "PAUSER_ROLE", "PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE"];

    private static readonly Dictionary<string, string> BySelector =
        Signatures.ToDictionary(s => Convert.ToHexStringLower(Keccak(s).AsSpan(0, 4)), s => s, StringComparer.Ordinal);

    private static readonly Dictionary<string, string> RoleNames =
        Roles.ToDictionary(r => Convert.ToHexStringLower(Keccak(r)), r => r, StringComparer.Ordinal);

    private readonly Dictionary<string, string> _contracts;
    private readonly Dictionary<string, string> _sites;

    /// <summary>A reader naming the contracts of <paramref name="ledger"/> and the sites of <paramref name="siteIds"/>.</summary>
    public BoardCallReader(LedgerStatus ledger, IEnumerable<string> siteIds)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        _contracts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [ledger.ResourceRegistryAddress] = "ResourceRegistry",
            [ledger.AuditAnchorAddress] = "AuditAnchor",
            [ledger.IdentityRegistryAddress] = "IdentityRegistry",
        };
        if (ledger.BoardAddress is { } board)
        {
            _contracts[board] = "SankofaBoard";
        }

        if (ledger.TimelockAddress is { } timelock)
        {
            _contracts[timelock] = "Timelock";
        }

        _sites = siteIds.ToDictionary(id => Convert.ToHexStringLower(Keccak(id)), id => id, StringComparer.Ordinal);
    }

    /// <summary>The call named and decoded as far as it can be.</summary>
    public BoardCallView Read(GovernanceCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new BoardCallView(call.Target, _contracts.GetValueOrDefault(call.Target), call.Calldata, Decode(call.Calldata));
    }

    /// <summary>The contract's name, or null when it is none of ours.</summary>
    public string? NameOf(string address) => _contracts.GetValueOrDefault(address);

    private string? Decode(string calldata)
    {
        if (calldata.Length < 10 || !calldata.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || calldata.Length % 2 != 0
            || calldata.AsSpan(2).ContainsAnyExcept("0123456789abcdefABCDEF")
            || !BySelector.TryGetValue(calldata[2..10].ToLowerInvariant(), out var signature))
        {
            return null;
        }

        var data = Convert.FromHexString(calldata.AsSpan(10));
        var name = signature[..signature.IndexOf('(', StringComparison.Ordinal)];
        var types = signature[(name.Length + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (data.Length < 32 * types.Length)
        {
            return null;
        }

        var values = new List<string>(types.Length);
        for (var i = 0; i < types.Length; i++)
        {
            var word = data.AsSpan(32 * i, 32);
            var value = types[i] switch
            {
                "bytes32" => Bytes32(word),
                "address" => Address(word),
                "uint32" => Uint(word),
                _ => Dynamic(data, word),
            };
            if (value is null)
            {
                return null; // not the shape its selector says: shown raw rather than guessed at
            }

            values.Add(Names.TryGetValue(name, out var names) ? $"{names[i]} = {value}" : value);
        }

        return $"{name}({string.Join(", ", values)})";
    }

    private string Bytes32(ReadOnlySpan<byte> word)
    {
        var hex = Convert.ToHexStringLower(word);
        return _sites.TryGetValue(hex, out var site) ? site
            : RoleNames.TryGetValue(hex, out var role) ? role
            : word.ContainsAnyExcept((byte)0) ? "0x" + hex
            : "DEFAULT_ADMIN_ROLE";
    }

    private string? Address(ReadOnlySpan<byte> word)
    {
        if (word[..12].ContainsAnyExcept((byte)0))
        {
            return null;
        }

        var address = "0x" + Convert.ToHexStringLower(word[12..]);
        return _contracts.TryGetValue(address, out var name) ? $"{address} ({name})" : address;
    }

    private static string? Uint(ReadOnlySpan<byte> word) =>
        word[..28].ContainsAnyExcept((byte)0) ? null : new BigInteger(word, isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);

    // A dynamic bytes argument: its word is the offset of a length word followed by the bytes.
    private static string? Dynamic(byte[] data, ReadOnlySpan<byte> word)
    {
        if (Small(word) is not { } offset || offset + 32 > data.Length || Small(data.AsSpan((int)offset, 32)) is not { } length || offset + 32 + length > data.Length)
        {
            return null;
        }

        return "0x" + Convert.ToHexStringLower(data.AsSpan((int)offset + 32, (int)length));
    }

    // A word holding a number below 2^31 (an offset or a length), else null.
    private static long? Small(ReadOnlySpan<byte> word) =>
        word[..28].ContainsAnyExcept((byte)0) || word[28] > 0x7f ? null : System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(word[28..]);

    private static byte[] Keccak(string text) => Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(text));
}
