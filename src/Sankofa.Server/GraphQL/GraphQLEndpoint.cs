using System.Text;
using System.Text.Json;
using GraphQL;
using GraphQL.DI;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;
using Sankofa.Server.GraphQL.Compiled;
using Sankofa.Server.Identity.Access;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.GraphQL;

/// <summary>
/// Our own <c>/graphql</c> endpoint over GraphQL.NET (GraphQL.Server is not available to us): POST a JSON body
/// <c>{"query", "variables", "operationName"}</c>, or GET with <c>?query=</c>. Errors carry a code in their extensions.
/// </summary>
internal static class GraphQLEndpoint
{
    private const string ContentType = "application/graphql-response+json; charset=utf-8";

    public static IServiceCollection AddSankofaGraphQL(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GraphQLLimitsOptions>().Bind(configuration.GetSection(GraphQLLimitsOptions.Section))
            .Validate(o => o.MaxDocumentLength > 0 && o.MaxDepth > 0 && o.MaxComplexity > 0 && o.MaxAliases >= 0,
                "GraphQL:MaxDocumentLength, GraphQL:MaxDepth and GraphQL:MaxComplexity must be positive, GraphQL:MaxAliases 0 or more.")
            .ValidateOnStart();
        services.AddOptions<GraphQLDocumentCacheOptions>().Bind(configuration.GetSection(GraphQLDocumentCacheOptions.Section))
            .Validate(o => o.SizeLimitCharacters >= 0, "GraphQL:DocumentCache:SizeLimitCharacters must not be negative.")
            .ValidateOnStart();
        services.AddOptions<CompiledSelectionOptions>().Bind(configuration.GetSection(CompiledSelectionOptions.Section));
        services.AddSingleton<IConfigureExecution, GraphQLDocumentCache>();
        services.AddSingleton<GraphQLSerializerOptions>();
        return services.AddGraphQL(b => b
            .AddSchema<SankofaSchema>()
            .AddExecutionStrategy<CompiledSelectionStrategy>(OperationType.Query)
            .AddGraphTypes(typeof(SankofaSchema).Assembly)
            .AddSystemTextJson((json, provider) => provider.GetRequiredService<GraphQLSerializerOptions>().Options = json)
            .AddValidationRule<QueryLimitsRule>(useForCachedDocuments: true)
            .AddErrorInfoProvider(o =>
            {
                o.ExposeCode = true;
                o.ExposeData = true;
            }));
    }

    public static IEndpointRouteBuilder MapGraphQLApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/graphql", PostAsync).WithTags("GraphQL").WithName("GraphQL").ExcludeFromDescription();
        app.MapGet("/graphql", GetAsync).WithTags("GraphQL").WithName("GraphQLGet").ExcludeFromDescription();
        return app;
    }

    private static async Task PostAsync(
        HttpContext http, IGraphQLTextSerializer serializer, IDocumentExecuter<ISchema> executer, ResourceReadCache cache, IOptions<GraphQLLimitsOptions> limits)
    {
        // The body is read whole: it is the cache key (a polling client sends the same bytes each time) before it is parsed.
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        var key = cache.Enabled ? ResourceReadCache.Key("graphql:post", http, body.GetBuffer().AsSpan(0, (int)body.Length)) : null;
        if (key is not null && cache.TryGet(key, out var kept))
        {
            await WriteAsync(http, StatusCodes.Status200OK, kept.Body);
            return;
        }

        var version = cache.Version;
        GraphQLRequest? request;
        try
        {
            body.Position = 0;
            request = await serializer.ReadAsync<GraphQLRequest>(body, http.RequestAborted);
        }
        catch (JsonException ex)
        {
            await WriteAsync(http, serializer, StatusCodes.Status400BadRequest, Error("BAD_REQUEST", $"The body is not a GraphQL request in JSON: {ex.Message}"));
            return;
        }

        await ExecuteAsync(http, serializer, executer, request, cache, key, version, limits.Value);
    }

    private static Task GetAsync(
        HttpContext http, IGraphQLTextSerializer serializer, IDocumentExecuter<ISchema> executer, ResourceReadCache cache, IOptions<GraphQLLimitsOptions> limits,
        string? query, string? operationName)
    {
        var key = cache.Enabled ? ResourceReadCache.Key("graphql:get", http, Encoding.UTF8.GetBytes(http.Request.QueryString.Value ?? string.Empty)) : null;
        return key is not null && cache.TryGet(key, out var kept)
            ? WriteAsync(http, StatusCodes.Status200OK, kept.Body)
            : ExecuteAsync(http, serializer, executer, new GraphQLRequest { Query = query, OperationName = operationName }, cache, key, cache.Version, limits.Value);
    }

    private static async Task ExecuteAsync(
        HttpContext http, IGraphQLTextSerializer serializer, IDocumentExecuter<ISchema> executer, GraphQLRequest? request,
        ResourceReadCache cache, string? key, long version, GraphQLLimitsOptions limits)
    {
        if (string.IsNullOrWhiteSpace(request?.Query))
        {
            await WriteAsync(http, serializer, StatusCodes.Status400BadRequest, Error("BAD_REQUEST", "'query' is required."));
            return;
        }

        if (request.Query.Length > limits.MaxDocumentLength)
        {
            await WriteAsync(http, serializer, StatusCodes.Status400BadRequest, Error("DOCUMENT_TOO_LARGE",
                $"The document has {request.Query.Length} characters; the limit (GraphQL:MaxDocumentLength) is {limits.MaxDocumentLength}."));
            return;
        }

        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Query = request.Query,
            Variables = request.Variables,
            OperationName = request.OperationName,
            RequestServices = http.RequestServices,
            UserContext = new Dictionary<string, object?> { [GraphAccess.CallerKey] = http.Caller() },
            CancellationToken = http.RequestAborted,
        });

        // With the read cache off (or the answer not one to keep) the answer goes straight to the body, as it is written.
        if (key is not null && ReadsResourcesOnly(result))
        {
            using var answer = new MemoryStream();
            await serializer.WriteAsync(answer, result, http.RequestAborted);
            await WriteAsync(http, StatusCodes.Status200OK, cache.Keep(key, version, answer.ToArray()).Body);
            return;
        }

        // A document that never ran (syntax or validation errors) is the client's fault: 400, as GraphQL over HTTP says.
        await WriteAsync(http, serializer, result.Executed ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest, result);
    }

    /// <summary>
    /// Whether an answer may be kept: a query that succeeded and asked only for resources at its root. Everything a
    /// resource shows (status, placement, VM, events) is written through the store and so moves its change version;
    /// sites (live health), the ledger and the audit log change by other ways and are never kept.
    /// </summary>
    private static bool ReadsResourcesOnly(ExecutionResult result) =>
        result is { Executed: true, Errors: null or { Count: 0 }, Operation: { Operation: OperationType.Query } operation }
        && operation.SelectionSet.Selections.All(s => s is GraphQLField { Name.StringValue: "resources" or "resource" or "__typename" });

    private static ExecutionResult Error(string code, string message) =>
        new() { Errors = [new ExecutionError(message) { Code = code }] };

    private static async Task WriteAsync(HttpContext http, IGraphQLTextSerializer serializer, int status, ExecutionResult result)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = ContentType;
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    private static Task WriteAsync(HttpContext http, int status, byte[] body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = ContentType;
        http.Response.ContentLength = body.Length;
        return http.Response.Body.WriteAsync(body, http.RequestAborted).AsTask();
    }
}
