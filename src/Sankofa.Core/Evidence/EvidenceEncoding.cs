using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sankofa.Core.Evidence;

/// <summary>
/// The canonical JSON of an evidence package and of its anchoring entry's payload (docs/compliance.md, "The package"):
/// UTF-8 without BOM, keys in the documented order, no insignificant whitespace, integers in shortest decimal, times as
/// <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, and in strings only <c>"</c>, <c>\</c> and U+0000–U+001F escaped (<c>\"</c>,
/// <c>\\</c>, <c>\u00XX</c> in lower-case hex); everything else as its UTF-8 bytes. Anyone can rebuild it; the hash of
/// these bytes is what the chain vouches for.
/// </summary>
public static class EvidenceEncoding
{
    /// <summary>The package format's name, first in every package.</summary>
    public const string Format = "sankofa.control-evidence/1";

    /// <summary>The audit action that anchors a package's hash.</summary>
    public const string Action = "compliance.evidence.recorded";

    /// <summary>The package's canonical bytes.</summary>
    public static byte[] Package(EvidencePackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        var json = new StringBuilder(8192);
        json.Append("{\"format\":").Append(Text(Format))
            .Append(",\"run\":").Append(Integer(package.Run))
            .Append(",\"attempt\":").Append(Integer(package.Attempt))
            .Append(",\"from\":").Append(Text(Time(package.From)))
            .Append(",\"to\":").Append(Text(Time(package.To)))
            .Append(",\"generatedAt\":").Append(Text(Time(package.GeneratedAt)))
            .Append(",\"generatedBy\":").Append(Text(package.GeneratedBy));
        var summary = package.Summary;
        json.Append(",\"summary\":{\"pass\":").Append(Integer(summary.Pass))
            .Append(",\"fail\":").Append(Integer(summary.Fail))
            .Append(",\"notApplicable\":").Append(Integer(summary.NotApplicable))
            .Append(",\"manual\":").Append(Integer(summary.Manual)).Append('}');
        json.Append(",\"controls\":[");
        for (var i = 0; i < package.Controls.Count; i++)
        {
            var c = package.Controls[i];
            json.Append(i == 0 ? "" : ",")
                .Append("{\"id\":").Append(Text(c.Control.Id))
                .Append(",\"framework\":").Append(Text(c.Control.Framework))
                .Append(",\"title\":").Append(Text(c.Control.Title))
                .Append(",\"verdict\":").Append(Text(EvidenceVerdicts.Name(c.Verdict)))
                .Append(",\"reason\":").Append(Text(c.Reason))
                .Append(",\"collectors\":[").AppendJoin(',', c.Control.Collectors.Select(Text)).Append("]}");
        }

        json.Append("],\"collectors\":[");
        for (var i = 0; i < package.Collectors.Count; i++)
        {
            var c = package.Collectors[i];
            json.Append(i == 0 ? "" : ",")
                .Append("{\"id\":").Append(Text(c.Id))
                .Append(",\"title\":").Append(Text(c.Title))
                .Append(",\"verdict\":").Append(Text(EvidenceVerdicts.Name(c.Verdict)))
                .Append(",\"reason\":").Append(Text(c.Reason))
                .Append(",\"facts\":[")
                .AppendJoin(',', c.Facts.Select(f => "[" + Text(f.Name) + "," + (f.Number is { } n ? Integer(n) : Text(f.Text ?? "")) + "]"))
                .Append("]}");
        }

        json.Append("]}");
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>SHA-256 of the package's bytes.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> package) => SHA256.HashData(package);

    /// <summary>
    /// The payload of the <c>compliance.evidence.recorded</c> entry: <c>{"run":N,"attempt":N,"from":T,"to":T,"packageSha256":"0x…"}</c>
    /// in the same canonical form, the hash in lower-case hex.
    /// </summary>
    public static string AnchorPayload(long run, int attempt, DateTimeOffset from, DateTimeOffset to, ReadOnlySpan<byte> packageSha256) =>
        "{\"run\":" + Integer(run) + ",\"attempt\":" + Integer(attempt) + ",\"from\":" + Text(Time(from)) + ",\"to\":" + Text(Time(to))
        + ",\"packageSha256\":" + Text("0x" + Convert.ToHexStringLower(packageSha256)) + "}";

    /// <summary>The subject of a run's audit entry: <c>evidence-run:N</c>.</summary>
    public static string Subject(long run) => "evidence-run:" + Integer(run);

    /// <summary>A time as packages write it: UTC, milliseconds, <c>Z</c>.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(string value)
    {
        var s = new StringBuilder(value.Length + 2).Append('"');
        foreach (var ch in value)
        {
            _ = ch switch
            {
                '"' => s.Append("\\\""),
                '\\' => s.Append("\\\\"),
                < ' ' => s.Append("\\u00").Append(((int)ch).ToString("x2", CultureInfo.InvariantCulture)),
                _ => s.Append(ch),
            };
        }

        return s.Append('"').ToString();
    }
}
