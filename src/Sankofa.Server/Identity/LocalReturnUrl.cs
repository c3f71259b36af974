namespace Sankofa.Server.Identity;

/// <summary>
/// Where a sign-in may send the browser afterwards: only a path of this server. An open redirect would let a phishing link
/// bounce users anywhere; browsers drop tabs and newlines from a URL, so <c>/\t/evil.example</c> would become
/// <c>//evil.example</c>, another host.
/// </summary>
internal static class LocalReturnUrl
{
    /// <summary>Whether <paramref name="url"/> is a path of this server (and nothing a browser could read as another host).</summary>
    public static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
        && !url.Any(char.IsControl);
}
