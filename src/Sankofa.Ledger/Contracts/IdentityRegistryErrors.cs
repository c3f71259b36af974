using System.Collections.Frozen;
using Sankofa.Core.Identity;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Contracts;

/// <summary>Turns IdentityRegistry's custom errors (the revert data of a refused call) into <see cref="IdentityRefusedException"/>.</summary>
internal static class IdentityRegistryErrors
{
    private sealed record Error(string Name, IdentityRefusal Reason, string[] Arguments, string Meaning);

    private static readonly FrozenDictionary<string, Error> BySelector = new Error[]
    {
        new("UnknownIdentity", IdentityRefusal.UnknownIdentity, ["bytes32"], "the identity was never registered"),
        new("AlreadyRegistered", IdentityRefusal.AlreadyRegistered, ["bytes32"], "the identity is registered with another subject hash or controller"),
        new("ControllerInUse", IdentityRefusal.ControllerInUse, ["address", "bytes32"], "the controller address belongs to another identity"),
        new("IdentityRevoked", IdentityRefusal.Revoked, ["bytes32"], "the identity is revoked and can never change again nor be registered anew"),
        new("AccessControlUnauthorizedAccount", IdentityRefusal.Unauthorized, ["address", "bytes32"], "the signing key lacks the role this call needs"),
        new("ZeroValue", IdentityRefusal.InvalidValue, [], "a zero id, hash, address or role"),
    }.ToFrozenDictionary(e => Convert.ToHexStringLower(Abi.Selector($"{e.Name}({string.Join(',', e.Arguments)})")), StringComparer.Ordinal);

    /// <summary>
    /// The refusal <paramref name="revert"/> carries, for example
    /// "IdentityRegistry refuses reinstate identity 'u-1': IdentityRevoked(0x…), the identity is revoked …".
    /// </summary>
    public static IdentityRefusedException Refusal(string action, JsonRpcException revert)
    {
        var data = TryDecodeHex(revert.Data0);
        if (data is { Length: >= 4 }
            && BySelector.TryGetValue(Convert.ToHexStringLower(data.AsSpan(0, 4)), out var error)
            && data.Length == 4 + (32 * error.Arguments.Length))
        {
            var arguments = error.Arguments.Select((type, i) => Argument(type, data.AsSpan(4 + (32 * i), 32)));
            return new IdentityRefusedException(
                error.Reason, $"IdentityRegistry refuses {action}: {error.Name}({string.Join(", ", arguments)}), {error.Meaning}.", revert);
        }

        return new IdentityRefusedException(IdentityRefusal.Other, $"IdentityRegistry refuses {action}: {revert.Message}", revert);
    }

    private static string Argument(string type, ReadOnlySpan<byte> word) => type == "address" ? Hex.Bytes(word[12..]) : Hex.Bytes(word);

    private static byte[]? TryDecodeHex(string? hex)
    {
        try
        {
            return hex is null ? null : Hex.ToBytes(hex.Trim('"'));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
