using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Sankofa.Server.Hosting;

/// <summary>
/// Answers written field by field straight to the response body with the API's JSON encoder: no response records and
/// no array of the whole answer, for the large answers whose records cost more than writing them (audit pages,
/// provenance).
/// </summary>
internal static class JsonBody
{
    /// <summary>The content type of every such answer.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Answers 200 with <paramref name="value"/> as <paramref name="write"/> writes it, then flushes.</summary>
    public static async Task WriteAsync<T>(HttpContext httpContext, T value, Action<Utf8JsonWriter, T> write)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var options = httpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        await using (var writer = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true }))
        {
            write(writer, value);
        }

        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }

    /// <summary>Writes <paramref name="name"/> with <paramref name="bytes"/> as "0x" and lower-case hex (as the API's hex strings), formatted on the stack.</summary>
    public static void WriteHex(Utf8JsonWriter writer, JsonEncodedText name, ReadOnlySpan<byte> bytes)
    {
        writer.WritePropertyName(name);
        WriteHexValue(writer, bytes);
    }

    /// <summary>Writes <paramref name="bytes"/> as a "0x" lower-case hex string value.</summary>
    public static void WriteHexValue(Utf8JsonWriter writer, ReadOnlySpan<byte> bytes)
    {
        Span<char> hex = stackalloc char[2 + (bytes.Length * 2)];
        hex[0] = '0';
        hex[1] = 'x';
        Convert.TryToHexStringLower(bytes, hex[2..], out _);
        writer.WriteStringValue(hex);
    }
}
