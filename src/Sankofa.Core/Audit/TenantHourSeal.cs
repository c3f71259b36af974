using System.Globalization;
using System.Text;

namespace Sankofa.Core.Audit;

/// <summary>An audit event sealing complete hours, with the records it holds (the store marks each with the entry's id).</summary>
/// <typeparam name="T">The kind of hour.</typeparam>
/// <param name="Event">The event to append to the audit log.</param>
/// <param name="Records">The hours its payload states.</param>
public sealed record SealedHours<T>(AuditEvent Event, IReadOnlyList<T> Records);

/// <summary>
/// The shape shared by the usage and availability seals (docs/billing.md): one audit entry per tenant and clock hour
/// holding every resource's figures for it, so a month of a tenant's hours is a few hundred entries and proofs rather than
/// one per resource-hour. Payload <c>{"tenantId":"T","hourStart":UNIX_SECONDS,"resources":[ROW,…]}</c>, rows ordered by
/// resource id (ordinal), each resource at most once, no spaces; a tenant-hour whose rows would pass
/// <see cref="AuditEventRules.MaxPayloadLength"/> is split over several entries at row boundaries.
/// </summary>
internal static class TenantHourSeal
{
    private const string Tail = "]}";

    /// <summary>Groups <paramref name="records"/> by tenant and hour into events; each row written by <paramref name="writeRow"/>.</summary>
    public static IReadOnlyList<SealedHours<T>> Events<T>(
        IEnumerable<T> records, Func<T, (string Tenant, DateTimeOffset Hour, string Resource)> key, Action<StringBuilder, T> writeRow,
        string actor, string action)
    {
        var sealedHours = new List<SealedHours<T>>();
        var row = new StringBuilder();
        foreach (var group in records.GroupBy(r => (key(r).Tenant, key(r).Hour)).OrderBy(g => g.Key.Hour).ThenBy(g => g.Key.Tenant, StringComparer.Ordinal))
        {
            var payload = new StringBuilder();
            var held = new List<T>();
            foreach (var record in group.OrderBy(r => key(r).Resource, StringComparer.Ordinal))
            {
                row.Clear();
                writeRow(row, record);
                if (held.Count > 0 && payload.Length + 1 + row.Length + Tail.Length > AuditEventRules.MaxPayloadLength)
                {
                    sealedHours.Add(Close(payload, held));
                    (payload, held) = (new StringBuilder(), []);
                }

                payload.Append(held.Count == 0 ? Head(group.Key.Tenant, group.Key.Hour) : ",").Append(row);
                held.Add(record);
            }

            sealedHours.Add(Close(payload, held));
        }

        return sealedHours;

        SealedHours<T> Close(StringBuilder payload, List<T> held) =>
            new(new AuditEvent(actor, action, "tenant:" + key(held[0]).Tenant, payload.Append(Tail).ToString()), held);
    }

    /// <summary>Reads one row (the text inside its brackets) of a tenant's hour.</summary>
    public delegate bool RowReader<T>(ref CanonicalReader reader, string tenant, DateTimeOffset hour, out T row);

    /// <summary>Reads one row (the text inside its brackets) and gives its resource id's UTF-8 bytes, as they lie in the text.</summary>
    public delegate bool RowVisitor(ref CanonicalReader reader, out ReadOnlySpan<byte> resource);

    /// <summary>
    /// The rows a payload states, each read by <paramref name="readRow"/>, or null when the payload is not exactly what
    /// <see cref="Events{T}"/> writes (rows in strictly ascending resource order, at least one): a verifier must not accept
    /// a form it would not write.
    /// </summary>
    public static IReadOnlyList<T>? Parse<T>(string? payload, RowReader<T> readRow, Func<T, string> resourceOf)
        where T : class
    {
        if (payload is null)
        {
            return null;
        }

        var reader = new CanonicalReader(Encoding.UTF8.GetBytes(payload));
        if (!ReadHead(ref reader, out var tenant, out var hour))
        {
            return null;
        }

        var rows = new List<T>();
        return ReadRows(ref reader, (ref CanonicalReader r, out ReadOnlySpan<byte> resource) =>
        {
            var read = readRow(ref r, tenant, hour, out var row);
            resource = read ? Encoding.UTF8.GetBytes(resourceOf(row)) : default;
            if (read)
            {
                rows.Add(row);
            }

            return read;
        }, out _, out _) ? rows : null;
    }

    /// <summary>Reads a payload's text up to its first row: whose hour it is.</summary>
    public static bool ReadHead(ref CanonicalReader reader, out string tenant, out DateTimeOffset hour)
    {
        (tenant, hour) = (string.Empty, default);
        if (!reader.Literal("{\"tenantId\":"u8) || !reader.String(out var named) || !reader.Literal(",\"hourStart\":"u8) || !reader.Integer(out var seconds)
            || seconds < 0 || seconds > 253_402_300_799 || !reader.Literal(",\"resources\":["u8))
        {
            return false;
        }

        (tenant, hour) = (named, DateTimeOffset.FromUnixTimeSeconds(seconds));
        return true;
    }

    /// <summary>
    /// Reads the rows after <see cref="ReadHead"/> to the payload's end, each by <paramref name="visit"/> as it comes
    /// (nothing allocated per row: a month's invoice is over a million of them); false when the payload is not exactly in
    /// the canonical form, possibly after some rows were visited.
    /// </summary>
    /// <param name="reader">The reader, after the head.</param>
    /// <param name="visit">Reads one row's content.</param>
    /// <param name="first">The first row's resource id.</param>
    /// <param name="last">The last row's resource id.</param>
    public static bool ReadRows(ref CanonicalReader reader, RowVisitor visit, out string first, out string last)
    {
        (first, last) = (string.Empty, string.Empty);
        scoped ReadOnlySpan<byte> previous = default;
        var count = 0;
        do
        {
            if (!reader.Char('[') || !visit(ref reader, out var resource) || !reader.Char(']') || (count > 0 && Ordinal(previous, resource) >= 0))
            {
                return false;
            }

            if (count++ == 0)
            {
                first = Encoding.UTF8.GetString(resource);
            }

            previous = resource;
        }
        while (reader.Char(','));

        last = Encoding.UTF8.GetString(previous);
        return reader.Literal("]}"u8) && reader.AtEnd;
    }

    // The order the sealer sorts in (string.CompareOrdinal, UTF-16 code units): the bytes' order when both are ASCII.
    private static int Ordinal(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        Ascii.IsValid(a) && Ascii.IsValid(b) ? a.SequenceCompareTo(b) : string.CompareOrdinal(Encoding.UTF8.GetString(a), Encoding.UTF8.GetString(b));

    /// <summary>A payload's text up to its first row.</summary>
    public static string Head(string tenant, DateTimeOffset hour) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"tenantId\":\"{tenant}\",\"hourStart\":{hour.ToUnixTimeSeconds()},\"resources\":[");

    /// <summary>A payload of <paramref name="rows"/> (one tenant-hour, in order) as <see cref="Events{T}"/> writes it.</summary>
    public static string Render<T>(string tenant, DateTimeOffset hour, IEnumerable<T> rows, Action<StringBuilder, T> writeRow)
    {
        var payload = new StringBuilder(Head(tenant, hour));
        var first = true;
        foreach (var row in rows)
        {
            writeRow(first ? payload : payload.Append(','), row);
            first = false;
        }

        return payload.Append(Tail).ToString();
    }
}
