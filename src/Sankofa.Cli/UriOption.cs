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

    /// <summary>
    /// A chain node: an absolute http(s) URL, or an IPC socket's absolute path (a node on this machine, such as the embedded
    /// chain's <c>DATA/ledger/anvil.ipc</c>).
    /// </summary>
    public static Option<Uri?> CreateNode(string name, string description, bool recursive = false) => new(name)
    {
        Description = description,
        Recursive = recursive,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (Path.IsPathFullyQualified(text)
                || (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps || url.IsFile)))
            {
                return new Uri(text);
            }

            result.AddError($"{name} must be an absolute http(s) URL or an IPC socket's absolute path, not '{text}'.");
            return null;
        },
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
