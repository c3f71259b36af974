namespace Sankofa.Core.Audit;

/// <summary>
/// Reads text that must be in one exact form, token by token: a literal, a string written without escapes, an integer
/// in shortest decimal. Anything else — a space, an escape, a leading zero, a plus sign — fails the read, so what reads
/// is exactly what the writer would write, with no second rendering to compare (the sealed hours' payloads are read
/// this way by every verifier, tens of megabytes for a month's invoice).
/// </summary>
/// <param name="text">The text.</param>
internal ref struct CanonicalReader(ReadOnlySpan<char> text)
{
    private readonly ReadOnlySpan<char> text = text;
    private int position;

    /// <summary>True when every character has been read.</summary>
    public readonly bool AtEnd => position == text.Length;

    /// <summary>Reads <paramref name="literal"/> exactly.</summary>
    public bool Literal(ReadOnlySpan<char> literal)
    {
        if (!text[position..].StartsWith(literal, StringComparison.Ordinal))
        {
            return false;
        }

        position += literal.Length;
        return true;
    }

    /// <summary>Reads one character when it is <paramref name="c"/>.</summary>
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
        var read = Chars(out var chars);
        value = read ? chars.ToString() : string.Empty;
        return read;
    }

    /// <summary>As <see cref="String(out string)"/>, without allocating: the string's characters in the text.</summary>
    public bool Chars(out ReadOnlySpan<char> value)
    {
        value = default;
        if (!Char('"'))
        {
            return false;
        }

        var rest = text[position..];
        var end = rest.IndexOfAny('"', '\\');
        if (end <= 0 || rest[end] != '"' || rest[..end].ContainsAnyInRange('\0', '\u001f'))
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
        while (position < text.Length && char.IsAsciiDigit(text[position]))
        {
            position++;
        }

        var count = position - digits;
        if (count == 0 || (text[digits] == '0' && (count > 1 || negative)))
        {
            return false;
        }

        return long.TryParse(text[start..position], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value);
    }
}
