using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Ledger;

namespace Sankofa.Server.Ledger;

/// <summary>Where the chain is: the CLI reads this to know which contract to check, then reads the roots from the chain itself.</summary>
internal static class LedgerApi
{
    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/ledger", async Task<Ok<LedgerStatus>> (ILedgerStatus ledger, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var status = await ledger.GetStatusAsync(ct);
                // The embedded chain is reachable only through the server: name its read-only endpoint, not the socket.
                return TypedResults.Ok(status with { RpcUrl = status.Embedded ? ChainRpcUrl(links, context) : WithoutSecrets(status.RpcUrl) });
            })
            .WithName("GetLedgerStatus").WithTags("Ledger").WithSummary("Chain endpoint, chain id, height and contract addresses.")
            .AllowAnonymous(); // public facts about the chain: what anyone needs to verify our records without trusting us
        return app;
    }

    /// <summary>
    /// The endpoint as anyone may see it: a node's URL often carries its credentials in the user info or the query
    /// (<c>https://user:secret@node/</c>, <c>?apikey=</c>), which this answer, served to anyone, must not repeat.
    /// </summary>
    internal static string WithoutSecrets(string rpcUrl) =>
        Uri.TryCreate(rpcUrl, UriKind.Absolute, out var uri)
            ? new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty }.Uri.ToString()
            : string.Empty;

    /// <summary>The absolute URL of <c>POST /chain/rpc</c> as the caller reached this server.</summary>
    public static string ChainRpcUrl(LinkGenerator links, HttpContext context) =>
        links.GetUriByName(context, ChainRpcApi.RouteName, values: null)
        ?? throw new InvalidOperationException("The read-only chain endpoint is not mapped.");
}
