using System.Text.Json;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;

namespace Sankofa.Server.GraphQL;

/// <summary>
/// Our own <c>/graphql</c> endpoint over GraphQL.NET (GraphQL.Server is not available to us): POST a JSON body
/// <c>{"query", "variables", "operationName"}</c>, or GET with <c>?query=</c>. Errors carry a code in their extensions.
/// </summary>
internal static class GraphQLEndpoint
{
    public static IServiceCollection AddSankofaGraphQL(this IServiceCollection services) =>
        services.AddGraphQL(b => b
            .AddSchema<SankofaSchema>()
            .AddGraphTypes(typeof(SankofaSchema).Assembly)
            .AddSystemTextJson()
            .AddErrorInfoProvider(o =>
            {
                o.ExposeCode = true;
                o.ExposeData = true;
            }));

    public static IEndpointRouteBuilder MapGraphQLApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/graphql", PostAsync).WithTags("GraphQL").WithName("GraphQL").ExcludeFromDescription();
        app.MapGet("/graphql", GetAsync).WithTags("GraphQL").WithName("GraphQLGet").ExcludeFromDescription();
        return app;
    }

    private static async Task PostAsync(HttpContext http, IGraphQLTextSerializer serializer, IDocumentExecuter<ISchema> executer)
    {
        GraphQLRequest? request;
        try
        {
            request = await serializer.ReadAsync<GraphQLRequest>(http.Request.Body, http.RequestAborted);
        }
        catch (JsonException ex)
        {
            await WriteAsync(http, serializer, StatusCodes.Status400BadRequest, Error("BAD_REQUEST", $"The body is not a GraphQL request in JSON: {ex.Message}"));
            return;
        }

        await ExecuteAsync(http, serializer, executer, request);
    }

    private static Task GetAsync(HttpContext http, IGraphQLTextSerializer serializer, IDocumentExecuter<ISchema> executer, string? query, string? operationName) =>
        ExecuteAsync(http, serializer, executer, new GraphQLRequest { Query = query, OperationName = operationName });

    private static async Task ExecuteAsync(HttpContext http, IGraphQLTextSerializer serializer, IDocumentExecuter<ISchema> executer, GraphQLRequest? request)
    {
        if (string.IsNullOrWhiteSpace(request?.Query))
        {
            await WriteAsync(http, serializer, StatusCodes.Status400BadRequest, Error("BAD_REQUEST", "'query' is required."));
            return;
        }

        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Query = request.Query,
            Variables = request.Variables,
            OperationName = request.OperationName,
            RequestServices = http.RequestServices,
            CancellationToken = http.RequestAborted,
        });

        // A document that never ran (syntax or validation errors) is the client's fault: 400, as GraphQL over HTTP says.
        await WriteAsync(http, serializer, result.Executed ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest, result);
    }

    private static ExecutionResult Error(string code, string message) =>
        new() { Errors = [new ExecutionError(message) { Code = code }] };

    private static async Task WriteAsync(HttpContext http, IGraphQLTextSerializer serializer, int status, ExecutionResult result)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/graphql-response+json; charset=utf-8";
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }
}
