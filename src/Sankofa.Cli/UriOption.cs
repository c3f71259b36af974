using System.CommandLine;

namespace Sankofa.Cli;

/// <summary>Options whose value is an absolute http(s) URL, with an error naming the option otherwise.</summary>
internal static class UriOption
{
    public static Option<Uri?> Create(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => Parse(name, result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty, result),
    };

    /// <summary>An option that may be repeated, each value an absolute http(s) URL.</summary>
    public static Option<Uri[]> CreateMany(string name, string description) => new(name)
    {
        Description = description,
        AllowMultipleArgumentsPerToken = false,
        CustomParser = result => [.. result.Tokens.Select(t => Parse(name, t.Value, result)).OfType<Uri>()],
    };

    private static Uri? Parse(string name, string text, System.CommandLine.Parsing.ArgumentResult result)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"{name} must be an absolute http(s) URL, not '{text}'.");
        return null;
    }
}
