using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Server.Ledger;

/// <summary>
/// <c>POST /chain/rpc</c>: the chain's reading JSON-RPC methods for anyone (cast, <c>sankofa audit verify</c>, an auditor's
/// script), and nothing that changes it. For the embedded chain it is the only way in from outside the server.
/// </summary>
internal static class ChainRpcApi
{
    public const string RouteName = "ChainRpc";
    private const string CorsPolicy = "chain-rpc";

    public static IServiceCollection AddChainRpc(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChainRpcOptions>().Bind(configuration.GetSection(ChainRpcOptions.SectionName))
            .Validate(o => o.MaxRequestBytes > 0 && o.MaxBatchSize > 0, "ChainRpc:MaxRequestBytes and ChainRpc:MaxBatchSize must be positive.")
            .Validate(o => o.PermitsPerSecond > 0 && o.Burst > 0, "ChainRpc:PermitsPerSecond and ChainRpc:Burst must be positive.")
            .ValidateOnStart();
        services.AddRateLimiter(o => o.AddPolicy<string, ChainRpcRateLimit>(ChainRpcRateLimit.Policy));
        var origins = configuration.GetSection($"{ChainRpcOptions.SectionName}:{nameof(ChainRpcOptions.AllowedOrigins)}").Get<string[]>() ?? [];
        services.AddCors(o => o.AddPolicy(CorsPolicy, p => p.WithOrigins(origins).WithMethods("POST").WithHeaders("content-type")));
        return services;
    }

    public static IEndpointRouteBuilder MapChainRpcApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/chain/rpc", AnswerAsync)
            .WithName(RouteName).WithTags("Ledger")
            .WithSummary("Read-only JSON-RPC to the chain: eth_call, eth_getLogs, blocks, receipts, code, storage and proofs; every other method is refused.")
            .Accepts<JsonNode>("application/json").Produces<JsonNode>()
            .RequireCors(CorsPolicy)
            .RequireRateLimiting(ChainRpcRateLimit.Policy)
            .AllowAnonymous(); // what anyone needs to check our records on the chain without trusting us
        return app;
    }

    private static async Task<IResult> AnswerAsync(HttpContext context, ReadOnlyRpc rpc, IOptions<ChainRpcOptions> options, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limits.MaxRequestBytes;
        }

        JsonNode? request;
        try
        {
            request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return Answer(Error(-32700, "the body is not JSON"));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Answer(Error(ReadOnlyRpc.InvalidRequest, $"the body is larger than ChainRpc:MaxRequestBytes ({limits.MaxRequestBytes} bytes)"), ex.StatusCode);
        }

        try
        {
            return Answer(await rpc.AnswerAsync(request, limits.MaxBatchSize, cancellationToken));
        }
        catch (LedgerUnavailableException)
        {
            return Answer(Error(-32603, "the chain is not answering; try again later"), StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static IResult Answer(JsonNode body, int status = StatusCodes.Status200OK) =>
        TypedResults.Text(body.ToJsonString(), "application/json", statusCode: status);

    private static JsonObject Error(int code, string message) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = null,
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    };
}
