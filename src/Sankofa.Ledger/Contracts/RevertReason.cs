using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Contracts;

/// <summary>A contract's custom error: its name, argument types (each one ABI word) and what it means to an operator.</summary>
internal record CustomError(string Name, string[] Arguments, string Meaning)
{
    /// <summary>The 4-byte selector, lower-case hex without 0x: the key a revert's data starts with.</summary>
    public string Selector => Convert.ToHexStringLower(Abi.Selector($"{Name}({string.Join(',', Arguments)})"));
}

/// <summary>Names the custom error a refused call's revert data carries.</summary>
internal static class RevertReason
{
    /// <summary>
    /// The error of <paramref name="errors"/> (keyed by <see cref="CustomError.Selector"/>) that <paramref name="revert"/>
    /// carries, and its text "Name(0x…, …), meaning"; null when it carries none of them.
    /// </summary>
    public static (TError Error, string Text)? Decode<TError>(IReadOnlyDictionary<string, TError> errors, JsonRpcException revert)
        where TError : CustomError
    {
        var data = TryDecodeHex(revert.Data0);
        if (data is not { Length: >= 4 }
            || !errors.TryGetValue(Convert.ToHexStringLower(data.AsSpan(0, 4)), out var error)
            || data.Length != 4 + (32 * error.Arguments.Length))
        {
            return null;
        }

        var arguments = error.Arguments.Select((type, i) => Argument(type, data.AsSpan(4 + (32 * i), 32)));
        return (error, $"{error.Name}({string.Join(", ", arguments)}), {error.Meaning}");
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
