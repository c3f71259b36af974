using System.Globalization;
using System.Text;

namespace Sankofa.Core.Audit;

/// <summary>
/// Reads UTF-8 text that must be in one exact form, token by token: a literal, a string written without escapes, an
/// integer in shortest decimal. Anything else — a space, an escape, a leading zero, a plus sign, bytes that are not
/// UTF-8 — fails the read, so what reads is exactly what the writer would write, with no second rendering to compare
/// (the sealed hours' payloads are read this way by every verifier, tens of megabytes for a month's invoice, straight
/// from the bytes that are hashed).
/// </summary>
/// <param name="utf8">The text's UTF-8 bytes.</param>
internal ref struct CanonicalReader(ReadOnlySpan<byte> utf8)
{
    private readonly ReadOnlySpan<byte> text = utf8;
    private int position;

    /// <summary>True when every byte has been read.</summary>
    public readonly bool AtEnd => position == text.Length;

    /// <summary>Reads <paramref name="literal"/> (UTF-8) exactly.</summary>
    public bool Literal(ReadOnlySpan<byte> literal)
    {
        if (!text[position..].StartsWith(literal))
        {
            return false;
        }

        position += literal.Length;
        return true;
    }

    /// <summary>Reads one ASCII character when it is <paramref name="c"/>.</summary>
    public bool Char(char c)
    {
        if (position < text.Length && text[position] == c)
        {
            position++;
            return true;
        }

        return false;
    }

    /// <summary>Reads a non-empty JSON string with nothing to escape in it (no quote, backslash or control character).</summary>
    public bool String(out string value)
    {
        var read = Utf8(out var bytes);
        value = read ? Encoding.UTF8.GetString(bytes) : string.Empty;
        return read;
    }

    /// <summary>As <see cref="String(out string)"/>, without allocating: the string's UTF-8 bytes in the text.</summary>
    public bool Utf8(out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!Char('"'))
        {
            return false;
        }

        var rest = text[position..];
        var end = rest.IndexOfAny((byte)'"', (byte)'\\');
        if (end <= 0 || rest[end] != '"' || rest[..end].ContainsAnyInRange((byte)0, (byte)0x1f) || !System.Text.Unicode.Utf8.IsValid(rest[..end]))
        {
            return false;
        }

        value = rest[..end];
        position += end + 1;
        return true;
    }

    /// <summary>Reads an integer as <see cref="long"/> writes it in the invariant culture: no plus, no leading zero, no "-0".</summary>
    public bool Integer(out long value)
    {
        value = 0;
        var start = position;
        var negative = Char('-');
        var digits = position;
        while (position < text.Length && char.IsAsciiDigit((char)text[position]))
        {
            position++;
        }

        var count = position - digits;
        if (count == 0 || (text[digits] == '0' && (count > 1 || negative)))
        {
            return false;
        }

        return long.TryParse(text[start..position], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
