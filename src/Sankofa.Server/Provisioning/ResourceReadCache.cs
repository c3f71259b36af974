using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.IO.Hashing;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Replicas;
using Sankofa.Server.Identity.Access;

namespace Sankofa.Server.Provisioning;

/// <summary>Settings of the API's cache of serialised resource reads (configuration section <c>ReadCache</c>).</summary>
public sealed class ReadCacheOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "ReadCache";

    /// <summary>
    /// How long a kept answer may be served. A change made through this server drops every kept answer at once, and one
    /// made through another replica as soon as its signal arrives (milliseconds); this bounds how long such a change can
    /// go unseen when the signal is lost. Zero turns the cache off. Default 1 second.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most bytes of answers kept at once; the least used go first. Default 32 MiB.</summary>
    public long SizeLimitBytes { get; set; } = 32L * 1024 * 1024;
}

/// <summary>One kept answer: the response body as sent, its entity tag, and the store version it was read at.</summary>
/// <param name="Body">UTF-8 JSON, exactly as sent.</param>
/// <param name="ETag">Strong entity tag of the body (quoted).</param>
/// <param name="Version">The cache's <see cref="ResourceReadCache.Version"/> read before the store was queried.</param>
/// <param name="StoredAt">When it was produced.</param>
internal sealed record CachedAnswer(byte[] Body, string ETag, long Version, DateTimeOffset StoredAt);

/// <summary>
/// Serialised answers of the resource reads (REST list and GraphQL queries over resources), kept while nothing changed.
/// A portal or a CLI polling a list asks the same question many times a second while resources change far less often;
/// producing a 100-item page (store query, mapping, JSON) costs about seventeen times what sending its bytes does.
/// An answer is served only while the change version is the one it was read at (every committed change made through
/// this process moves it, and so does every <see cref="ReplicaSignalNames.Resources"/> signal from another replica or a
/// reconnection of the signal bus) and it is younger than <see cref="ReadCacheOptions.MaxAge"/> (a signal lost). Keys carry the caller's identity id and grants, so one caller never gets an answer produced for another.
/// </summary>
internal sealed class ResourceReadCache : IDisposable
{
    private readonly IResourceStore store;
    private readonly TimeProvider time;
    private readonly TimeSpan maxAge;
    private readonly MemoryCache? entries;
    private readonly IDisposable subscription;
    private long signalled;

    public ResourceReadCache(IResourceStore store, IReplicaSignals signals, TimeProvider time, IOptions<ReadCacheOptions> options)
    {
        this.store = store;
        this.time = time;
        maxAge = options.Value.MaxAge;
        entries = maxAge > TimeSpan.Zero ? new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.SizeLimitBytes }) : null;
        subscription = signals.Subscribe(ReplicaSignalNames.Resources, _ => Interlocked.Increment(ref signalled), () => Interlocked.Increment(ref signalled));
    }

    /// <summary>Whether answers are kept at all (<see cref="ReadCacheOptions.MaxAge"/> above zero).</summary>
    public bool Enabled => entries is not null;

    /// <summary>The change version; read it before querying the store for an answer to keep.</summary>
    public long Version => store.ChangeVersion + Interlocked.Read(ref signalled);

    /// <summary>A cache key for one question from one caller: what is asked (route and arguments, or a request body) and who asks.</summary>
    public static string Key(string kind, HttpContext http, ReadOnlySpan<byte> question)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(question, hash);
        return string.Concat(kind, "|", Partition(http), "|", Convert.ToBase64String(hash));
    }

    /// <summary>Who asks, as far as what they may see goes: the identity id and its role grants (a role change means other answers).</summary>
    private static string Partition(HttpContext http) =>
        http.Caller() is { } caller ? caller.Id + "|" + string.Join(',', caller.Grants.Select(g => g.ToClaim()).Order(StringComparer.Ordinal)) : string.Empty;

    /// <summary>The kept answer to this question, if it is still current.</summary>
    public bool TryGet(string key, [NotNullWhen(true)] out CachedAnswer? answer)
    {
        if (entries is not null && entries.TryGetValue(key, out answer) && answer is not null
            && answer.Version == Version && time.GetUtcNow() - answer.StoredAt < maxAge)
        {
            return true;
        }

        answer = null;
        return false;
    }

    /// <summary>Keeps an answer produced from the store as it was at <paramref name="version"/> and returns it.</summary>
    public CachedAnswer Keep(string key, long version, byte[] body)
    {
        var answer = new CachedAnswer(body, ETagOf(body), version, time.GetUtcNow());

        // An answer read before a change committed would never be served again: not worth its room.
        if (entries is not null && version == Version)
        {
            entries.Set(key, answer, new MemoryCacheEntryOptions { Size = body.Length, AbsoluteExpirationRelativeToNow = maxAge });
        }

        return answer;
    }

    public void Dispose()
    {
        subscription.Dispose();
        entries?.Dispose();
    }

    /// <summary>
    /// The strong entity tag of a body (quoted): its 128-bit XXH3 hash, URL-safe base64. A validator needs to tell one
    /// version of an answer from another, not to resist a forger (the body is the server's own); at some 30 GB/s it
    /// costs a tenth of SHA-256, which took as long as producing an uncached page's items.
    /// </summary>
    internal static string ETagOf(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[16];
        XxHash128.Hash(body, hash);
        return "\"" + Base64Url.EncodeToString(hash) + "\"";
    }
}

/// <summary>
/// Sends a kept JSON answer with its entity tag, or 304 Not Modified when the client's <c>If-None-Match</c> names it.
/// Describes itself to OpenAPI as a 200 of <typeparamref name="T"/>, the type the bytes were serialised from.
/// </summary>
/// <typeparam name="T">The response type the body holds.</typeparam>
internal sealed class CachedJson<T>(CachedAnswer answer) : IResult, IEndpointMetadataProvider
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (NotModified(httpContext, answer.ETag))
        {
            return Task.CompletedTask;
        }

        var response = httpContext.Response;
        response.ContentLength = answer.Body.Length;
        return response.Body.WriteAsync(answer.Body, httpContext.RequestAborted).AsTask();
    }

    /// <summary>
    /// Sets the entity tag and caching headers of a JSON answer; true (and 304 Not Modified) when the client's
    /// <c>If-None-Match</c> names it, else 200 with the JSON content type, ready for the body.
    /// </summary>
    internal static bool NotModified(HttpContext httpContext, string etag)
    {
        var response = httpContext.Response;
        response.Headers.ETag = etag;

        // Callers differ in what they may see (the key carries who asks), so only the caller itself may keep a copy.
        response.Headers.CacheControl = "private, no-cache";
        if (EntityTagHeaderValue.TryParseList(httpContext.Request.Headers.IfNoneMatch, out var tags)
            && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(new EntityTagHeaderValue(etag), useStrongComparison: false)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return true;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        return false;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}
