using System.Buffers;
using System.Buffers.Binary;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Sankofa.Server.Billing;

/// <summary>
/// An evidence page framed as <c>application/vnd.sankofa.evidence-page</c> (docs/billing.md, "The framed evidence
/// page"): a 4-byte big-endian length, the page as JSON with every payload null, then each entry's payload in entry
/// order as a 4-byte big-endian length and the bytes stored and hashed. A month's evidence is tens of MiB of payloads;
/// as base64 in JSON they are a third bigger and both ends spend time encoding, scanning and decoding them, while the
/// verifier wants exactly the stored bytes.
/// </summary>
public sealed class EvidenceFrameResult(InvoiceEvidenceResponse page, IReadOnlyList<byte[]?> payloads)
    : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    /// <summary>The media type a client names in <c>Accept</c> to be answered framed.</summary>
    public const string MediaType = "application/vnd.sankofa.evidence-page";

    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc />
    public string ContentType => MediaType;

    /// <summary>Whether the request asks for the framed page (JSON stays the default).</summary>
    public static bool IsAccepted(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var json = httpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var header = JsonSerializer.SerializeToUtf8Bytes(page, json);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = MediaType;
        response.ContentLength = 4 + header.Length + payloads.Sum(p => 4L + (p?.Length ?? 0));

        var body = response.BodyWriter;
        Prefix(body, header.Length);
        body.Write(header);
        foreach (var payload in payloads)
        {
            Prefix(body, payload?.Length ?? 0);

            // Each write hands the payload to the socket: a page is a few MiB, never held twice.
            await body.WriteAsync(payload, httpContext.RequestAborted);
        }

        await body.FlushAsync(httpContext.RequestAborted);
    }

    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(InvoiceEvidenceResponse), [MediaType]));
    }

    private static void Prefix(System.IO.Pipelines.PipeWriter body, int length)
    {
        BinaryPrimitives.WriteUInt32BigEndian(body.GetSpan(4), checked((uint)length));
        body.Advance(4);
    }
}
