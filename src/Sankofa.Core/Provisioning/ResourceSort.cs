using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Sankofa.Core.Provisioning;

/// <summary>What a resource list is ordered by. Every order breaks ties by creation, so it is total and pages never overlap.</summary>
public enum ResourceSort
{
    /// <summary>When the store accepted the request (its sequence): the default, newest first.</summary>
    Created,

    /// <summary>The resource's name (ordinal, as the database compares it).</summary>
    Name,

    /// <summary>The status's name (Deleted, Deleting, Failed, …, alphabetically).</summary>
    Status,

    /// <summary>The id of the site it is placed on.</summary>
    Site,
}

/// <summary>
/// Where a page of resources stopped: the order it was listed in, and the last item's sort key and sequence. The next
/// page starts strictly after that pair, so rows inserted or changed meanwhile neither repeat nor shift the pages.
/// Written for clients as one opaque token (<see cref="ToString"/>, <see cref="TryParse"/>).
/// </summary>
/// <param name="Sort">The order the cursor belongs to.</param>
/// <param name="Descending">Its direction.</param>
/// <param name="Key">The last item's sort key (null for <see cref="ResourceSort.Created"/>, whose key is the sequence).</param>
/// <param name="Sequence">The last item's sequence.</param>
public sealed record ResourceCursor(ResourceSort Sort, bool Descending, string? Key, long Sequence)
{
    /// <summary>Field names of the orders as the API writes them.</summary>
    public static IReadOnlyList<string> SortNames { get; } = [.. Enum.GetValues<ResourceSort>().Select(Name)];

    /// <summary>The order's name as the API writes it: created, name, status, site.</summary>
    public static string Name(ResourceSort sort) => sort.ToString().ToLowerInvariant();

    /// <summary>The order named <paramref name="name"/> (as <see cref="Name"/> writes it), if any.</summary>
    public static ResourceSort? ParseSort(string? name) =>
        Enum.GetValues<ResourceSort>().Select(s => (ResourceSort?)s).FirstOrDefault(s => Name(s!.Value) == name);

    /// <summary>The token: <c>order.a|d.sequence.key</c>, the key in base64url so any character survives a query string.</summary>
    public override string ToString() => string.Join('.',
        Name(Sort), Descending ? "d" : "a", Sequence.ToString(CultureInfo.InvariantCulture), Key is null ? string.Empty : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Key)));

    /// <summary>Reads a token that <see cref="ToString"/> wrote; false for anything else.</summary>
    public static bool TryParse(string? token, out ResourceCursor? cursor)
    {
        cursor = null;
        var parts = token?.Split('.');
        if (parts is not { Length: 4 } || ParseSort(parts[0]) is not { } sort || parts[1] is not ("a" or "d")
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || sequence < 1)
        {
            return false;
        }

        string? key = null;
        if (sort != ResourceSort.Created)
        {
            try
            {
                key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[3]));
            }
            catch (FormatException)
            {
                return false;
            }
        }
        else if (parts[3].Length > 0)
        {
            return false;
        }

        cursor = new ResourceCursor(sort, parts[1] == "d", key, sequence);
        return true;
    }
}
