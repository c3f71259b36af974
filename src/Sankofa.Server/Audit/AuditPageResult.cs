using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Sankofa.Core.Audit;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Audit;

/// <summary>
/// A page of audit entries answered as <see cref="AuditPageResponse"/>'s JSON, written field by field from the domain
/// records straight to the response body. A page of 100 sealed entries carries some 1,500 hashes (each entry's
/// previous hash, hash and Merkle proof): through the response records each was a string of its own, and every entry
/// a record, on every request. <c>AuditPageResultTests</c> holds it to the serializer's output for the same page, byte
/// for byte, so the documented contract stays <see cref="AuditPageResponse"/>.
/// </summary>
public sealed class AuditPageResult(AuditEntryPage page) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    private static readonly JsonEncodedText Items = JsonEncodedText.Encode("items");
    private static readonly JsonEncodedText Next = JsonEncodedText.Encode("next");

    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc />
    public string ContentType => JsonBody.ContentType;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext) => JsonBody.WriteAsync(httpContext, page, Write);

    /// <summary>Writes the page as <see cref="AuditPageResponse"/> serializes (camelCase, nulls written, no batch per entry).</summary>
    internal static void Write(Utf8JsonWriter writer, AuditEntryPage page)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(page);
        writer.WriteStartObject();
        writer.WriteStartArray(Items);
        foreach (var (entry, batch) in page.Items)
        {
            AuditEntryResult.WriteEntry(writer, entry, batch, withBatch: false);
        }

        writer.WriteEndArray();
        if (page.Next is { } next)
        {
            writer.WriteNumber(Next, next);
        }
        else
        {
            writer.WriteNull(Next);
        }

        writer.WriteEndObject();
    }

    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(AuditPageResponse), ["application/json"]));
    }
}
