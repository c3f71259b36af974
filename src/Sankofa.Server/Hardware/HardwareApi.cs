using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core;
using Sankofa.Core.Access;
using Sankofa.Core.Hardware;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Access;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.Hardware;

/// <summary>Hardware assets and their custody over REST (docs/hardware.md), and the provenance of a VM's hardware.</summary>
internal static class HardwareApi
{
    public static IEndpointRouteBuilder MapHardwareApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/assets").WithTags("Hardware");
        api.MapGet("/", ListAsync).WithName("ListAssets").Requires(Permission.AssetsRead)
            .WithSummary("Hardware assets (servers and components) in registration order; page with after and limit.");
        api.MapPost("/", CreateAsync).WithName("CreateAsset").Requires(Permission.AssetsWrite)
            .WithSummary("Adds an asset: a server (naming the catalog host it becomes) or a component (naming its server). Its custody starts with its supplier's signed registration.");
        api.MapGet("/{id}", GetAsync).WithName("GetAsset").Requires(Permission.AssetsRead)
            .WithSummary("One asset with its custody timeline (each event with its chain record) and the custody gaps found in it.");
        api.MapPost("/{id}/custody/digest", DigestAsync).WithName("GetCustodyDigest").Requires(Permission.AssetsRead)
            .WithSummary("The EIP-712 digest the parties sign for this custody event as the asset's next (read from the chain; parties may compute it themselves, docs/hardware.md).");
        api.MapPost("/{id}/custody", SubmitAsync).WithName("SubmitCustodyEvent").Requires(Permission.AssetsWrite)
            .WithSummary("Relays a custody event with its parties' signatures (a transfer needs the sender's and the receiver's); stored once the chain accepted it.");
        api.MapPost("/documents", UploadAsync).WithName("UploadCustodyDocument").Requires(Permission.AssetsWrite)
            .WithSummary("Stores a custody document (the request body, any media type) and answers its SHA-256, the hash its custody event carries.");
        api.MapGet("/documents/{hash}", DownloadAsync).WithName("GetCustodyDocument").Requires(Permission.AssetsRead)
            .WithSummary("A custody document by its SHA-256.");
        app.MapGet("/api/v1/resources/{id}/provenance", ProvenanceAsync).WithTags("Hardware").WithName("GetResourceProvenance").Requires(Permission.ResourcesRead)
            .WithSummary("The provenance of the hardware a VM runs on: host → server → components → custody events, each with its chain record, and any custody gap.");
        return app;
    }

    private static async Task<Results<Ok<AssetPageResponse>, ProblemHttpResult>> ListAsync(
        HttpContext context, HardwareService hardware, long? after, int? limit, CancellationToken cancellationToken)
    {
        var answer = await hardware.ListAsync(context.RequiredCaller(), after, limit, cancellationToken);
        return answer.Value is { } page ? TypedResults.Ok(new AssetPageResponse([.. page.Items.Select(AssetResponse.From)], page.Next)) : answer.Error!.ToProblem();
    }

    private static async Task<Results<Created<AssetResponse>, ProblemHttpResult>> CreateAsync(
        AssetRequest? body, HttpContext context, HardwareService hardware, CancellationToken cancellationToken)
    {
        var answer = await hardware.CreateAsync(context.RequiredCaller(), ProvisioningApi.Actor(context), body ?? new AssetRequest(null, null, null, null, null, null, null, null),
            cancellationToken);
        return answer.Value is { } asset ? TypedResults.Created($"/api/v1/assets/{asset.Asset.Id}", AssetResponse.From(asset)) : answer.Error!.ToProblem();
    }

    private static async Task<Results<Ok<AssetDetailsResponse>, ProblemHttpResult>> GetAsync(string id, HttpContext context, HardwareService hardware, CancellationToken cancellationToken)
    {
        var answer = await hardware.GetAsync(context.RequiredCaller(), id, cancellationToken);
        return answer.Value is { } details ? TypedResults.Ok(AssetDetailsResponse.From(details)) : answer.Error!.ToProblem();
    }

    private static async Task<Results<Ok<CustodyDigestResponse>, ProblemHttpResult>> DigestAsync(
        string id, CustodyRequest? body, HttpContext context, HardwareService hardware, CancellationToken cancellationToken)
    {
        var answer = await hardware.DigestAsync(context.RequiredCaller(), id, body ?? new CustodyRequest(null, null), cancellationToken);
        return answer.Value is { } digest ? TypedResults.Ok(new CustodyDigestResponse(HardwareService.Hex(digest))) : answer.Error!.ToProblem();
    }

    private static async Task<Results<Created<CustodyEventResponse>, ProblemHttpResult>> SubmitAsync(
        string id, CustodyRequest? body, HttpContext context, HardwareService hardware, CancellationToken cancellationToken)
    {
        var answer = await hardware.SubmitAsync(context.RequiredCaller(), ProvisioningApi.Actor(context), id, body ?? new CustodyRequest(null, null), cancellationToken);
        return answer.Value is { } recorded ? TypedResults.Created($"/api/v1/assets/{id}", CustodyEventResponse.From(recorded)) : answer.Error!.ToProblem();
    }

    private static async Task<Results<Created<DocumentResponse>, ProblemHttpResult>> UploadAsync(HttpContext context, HardwareService hardware, CancellationToken cancellationToken)
    {
        // Read at most one byte past the limit: enough to refuse a larger body without holding it.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0 && buffer.Length <= HardwareService.MaxDocumentBytes)
        {
            buffer.Write(chunk, 0, read);
        }

        var answer = await hardware.PutDocumentAsync(context.RequiredCaller(), context.Request.ContentType, buffer.ToArray(), cancellationToken);
        return answer.Value is { } hash
            ? TypedResults.Created($"/api/v1/assets/documents/{HardwareService.Hex(hash)}", new DocumentResponse(HardwareService.Hex(hash)))
            : answer.Error!.ToProblem();
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadAsync(
        string hash, HttpContext context, HardwareService hardware, CancellationToken cancellationToken)
    {
        var answer = await hardware.GetDocumentAsync(context.RequiredCaller(), hash, cancellationToken);
        return answer.Value is { } document ? TypedResults.File(document.Content, document.ContentType) : answer.Error!.ToProblem();
    }

    private static async Task<Results<ProvenanceResult, ProblemHttpResult>> ProvenanceAsync(
        string id, HttpContext context, ProvenanceService provenance, CancellationToken cancellationToken)
    {
        var answer = await provenance.GetAsync(context.RequiredCaller(), id, cancellationToken);
        return answer.Value is { } found ? new ProvenanceResult(found) : answer.Error!.ToProblem();
    }
}

/// <summary>Registers hardware assets, their custody and VM provenance.</summary>
internal static class HardwareServiceCollectionExtensions
{
    public static IServiceCollection AddSankofaHardware(this IServiceCollection services)
    {
        services.AddSingleton<HardwareService>();
        services.AddSingleton<Core.Provisioning.IHostVerification>(sp => sp.GetRequiredService<HardwareService>());
        services.AddSingleton<ProvenanceService>();
        services.AddSingleton<AssetQueries>();
        return services;
    }
}
