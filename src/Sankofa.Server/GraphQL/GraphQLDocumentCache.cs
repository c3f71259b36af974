using GraphQL;
using GraphQL.DI;
using GraphQLParser.AST;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Sankofa.Server.GraphQL;

/// <summary>Settings of the cache of parsed and validated GraphQL documents (configuration section <c>GraphQL:DocumentCache</c>).</summary>
public sealed class GraphQLDocumentCacheOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "GraphQL:DocumentCache";

    /// <summary>
    /// Characters of document text kept at once (a parsed document takes some ten times its text in memory); the least
    /// used go first. Zero turns the cache off. Default 1,000,000.
    /// </summary>
    public long SizeLimitCharacters { get; set; } = 1_000_000;
}

/// <summary>
/// Parsed and validated documents, kept by their text. A client pages or polls with one document and other variables
/// (the next cursor, another id), and parsing and the schema's validation rules depend on the text alone, so a kept
/// document skips both. The cost limits depend on the variables (a list's <c>first</c>), so <see cref="QueryLimitsRule"/>
/// runs on a kept document as well (it is registered for cached documents). Only documents that passed validation
/// and ran are kept; the answers themselves are not (that is <see cref="Provisioning.ResourceReadCache"/>'s business).
/// </summary>
internal sealed class GraphQLDocumentCache : IConfigureExecution, IDisposable
{
    private readonly MemoryCache? documents;

    public GraphQLDocumentCache(IOptions<GraphQLDocumentCacheOptions> options)
    {
        var limit = options.Value.SizeLimitCharacters;
        documents = limit > 0 ? new MemoryCache(new MemoryCacheOptions { SizeLimit = limit }) : null;
    }

    /// <summary>Among the execution configurations ('Use' calls), after the options (validation rules) are set.</summary>
    public float SortOrder => 200;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        if (documents is null || options.Document is not null || options.Query is not { } query)
        {
            return await next(options).ConfigureAwait(false);
        }

        if (documents.TryGetValue(query, out GraphQLDocument? kept) && kept is not null)
        {
            options.Document = kept;
            return await next(options).ConfigureAwait(false);
        }

        var result = await next(options).ConfigureAwait(false);
        if (result.Executed && result.Document is { } document)
        {
            documents.Set(query, document, new MemoryCacheEntryOptions { Size = query.Length });
        }

        return result;
    }

    public void Dispose() => documents?.Dispose();
}
