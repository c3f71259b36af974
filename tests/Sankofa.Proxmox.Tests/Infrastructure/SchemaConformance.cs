using System.Collections.Concurrent;
using System.Web;
using Sankofa.Proxmox.Emulator.Schema;

namespace Sankofa.Proxmox.Tests.Infrastructure;

/// <summary>
/// Checks every request a test client sends against the official schema file (path template, method, parameter names,
/// required parameters, types, enums, ranges, patterns, formats) before it leaves, and records what was sent. A request
/// that does not conform fails the test that sent it, except inside <see cref="AllowInvalid"/> (tests of Proxmox's own
/// 400 answers).
/// </summary>
public static class SchemaConformance
{
    private static readonly Lazy<ApiSchema> Official = new(() =>
    {
        using var stream = File.OpenRead(Repository.OfficialSchema);
        return ApiSchema.Load(stream);
    });

    private static readonly AsyncLocal<bool> Invalid = new();

    /// <summary>Each conforming request as "METHOD /template".</summary>
    public static ConcurrentDictionary<string, int> Seen { get; } = new(StringComparer.Ordinal);

    public static ConcurrentBag<string> Violations { get; } = [];

    internal static ApiSchema Schema => Official.Value;

    public static IDisposable AllowInvalid()
    {
        Invalid.Value = true;
        return new Reset();
    }

    public static HttpMessageHandler Wrap(HttpMessageHandler inner) => new CheckingHandler { InnerHandler = inner };

    /// <summary>The problems of one request; empty when it conforms.</summary>
    public static async Task<(string? Template, List<string> Problems)> CheckAsync(HttpRequestMessage request)
    {
        var problems = new List<string>();
        var path = request.RequestUri!.AbsolutePath;
        var at = path.IndexOf("/api2/json/", StringComparison.Ordinal);
        if (at < 0)
        {
            return (null, [$"{path} is not under /api2/json/"]);
        }

        var apiPath = Uri.UnescapeDataString(path[(at + "/api2/json".Length)..]);
        var endpoint = Schema.Match(apiPath, out var pathParameters);
        if (endpoint is null)
        {
            return (null, [$"no path of the schema matches {apiPath}"]);
        }

        var method = request.Method.Method;
        if (!endpoint.Methods.TryGetValue(method, out var definition))
        {
            return (endpoint.Path, [$"{endpoint.Path} has no method {method}"]);
        }

        var parameters = new Dictionary<string, string>(pathParameters, StringComparer.Ordinal);
        var query = HttpUtility.ParseQueryString(request.RequestUri.Query);
        foreach (var key in query.AllKeys.OfType<string>())
        {
            parameters[key] = query[key]!;
        }

        if (request.Content is FormUrlEncodedContent form)
        {
            var body = HttpUtility.ParseQueryString(await form.ReadAsStringAsync().ConfigureAwait(false));
            foreach (var key in body.AllKeys.OfType<string>())
            {
                parameters[key] = body[key]!;
            }
        }
        else if (request.Content is not null)
        {
            problems.Add($"unexpected body {request.Content.GetType().Name}");
        }

        problems.AddRange(definition.Validate(parameters).Select(e => $"{e.Key}: {e.Value}"));
        return (endpoint.Path, problems);
    }

    private sealed class CheckingHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var (template, problems) = await CheckAsync(request).ConfigureAwait(false);
            if (problems.Count > 0 && !Invalid.Value)
            {
                var violation = $"{request.Method} {request.RequestUri}: {string.Join("; ", problems)}";
                Violations.Add(violation);
                throw new InvalidOperationException("Request does not conform to the Proxmox API schema: " + violation);
            }

            if (problems.Count == 0)
            {
                Seen.AddOrUpdate($"{request.Method.Method} {template}", 1, (_, n) => n + 1);
            }

            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Reset : IDisposable
    {
        public void Dispose() => Invalid.Value = false;
    }
}
