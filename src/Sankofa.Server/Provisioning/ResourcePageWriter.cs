using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sankofa.Core.Provisioning;

namespace Sankofa.Server.Provisioning;

/// <summary>
/// Writes a page of resources as JSON: the bytes the serializer gives for <see cref="ResourcePageResponse"/> with the
/// API's options. Each item is its resource's list item as the store keeps it (<see cref="ResourceListJson"/>, written
/// with every change of the resource), copied as it is, so producing an uncached page is reading those and this copy.
/// </summary>
/// <remarks>The contract stays <see cref="ResourcePageResponse"/> (OpenAPI names it); ResourcePageTests holds the two byte for byte.</remarks>
internal sealed class ResourcePageWriter
{
    private readonly JsonWriterOptions writerOptions;
    private readonly JsonEncodedText items, next, nextCursor;

    public ResourcePageWriter(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        var options = json.Value.SerializerOptions;
        writerOptions = new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented, SkipValidation = true };
        JsonEncodedText N(string property) => JsonEncodedText.Encode(options.PropertyNamingPolicy?.ConvertName(property) ?? property, options.Encoder);
        items = N(nameof(ResourcePageResponse.Items));
        next = N(nameof(ResourcePageResponse.Next));
        nextCursor = N(nameof(ResourcePageResponse.NextCursor));
    }

    /// <summary>Writes the page to <paramref name="output"/>.</summary>
    public void Write(ResourceJsonPage page, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(page);
        using var writer = new Utf8JsonWriter(output, writerOptions);
        writer.WriteStartObject();
        writer.WriteStartArray(items);
        foreach (var item in page.Items)
        {
            writer.WriteRawValue(item.Span, skipInputValidation: true);
        }

        writer.WriteEndArray();
        if (page.NextBefore is { } before)
        {
            writer.WriteNumber(next, before);
        }
        else
        {
            writer.WriteNull(next);
        }

        if (page.Next?.ToString() is { } cursor)
        {
            writer.WriteString(nextCursor, cursor);
        }
        else
        {
            writer.WriteNull(nextCursor);
        }

        writer.WriteEndObject();
    }

    /// <summary>The page as one array (for the read cache, which keeps it).</summary>
    public byte[] ToArray(ResourceJsonPage page)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        Write(page, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
