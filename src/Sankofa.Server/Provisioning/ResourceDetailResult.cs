using System.Buffers;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Provisioning;

/// <summary>
/// One resource with its history and the chain's record, answered as <see cref="ResourceResponse"/>'s JSON: the
/// resource's kept list item (<see cref="ResourceListJson"/>, the same fields with no history nor record) copied as it
/// is, its closing nulls replaced by the history and the record serialised with the API's options. Reading and
/// writing one resource otherwise mapped every column and serialised the placement explanation again on every request.
/// <c>ResourceDetailResultTests</c> holds it to the serializer's output for the same resource, byte for byte.
/// </summary>
internal sealed class ResourceDetailResult(ResourceJson resource, IReadOnlyList<EventResponse> events, OnChainResponse? onChain, string? onChainError)
    : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    // How every list item ends (ResourceListJson writes these last, in this order); the answer puts its own in their place.
    private static readonly byte[] ListTail = "\"events\":null,\"onChain\":null,\"onChainError\":null}"u8.ToArray();

    // Written and copied out without an await in between, so one buffer per thread is never shared.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc />
    public string ContentType => JsonBody.ContentType;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var options = httpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var written = buffer ??= new ArrayBufferWriter<byte>(16 * 1024);
        written.ResetWrittenCount();
        Write(written, options);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonBody.ContentType;
        response.ContentLength = written.WrittenCount;
        response.BodyWriter.Write(written.WrittenSpan);
        return response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
    }

    /// <summary>Writes the answer to <paramref name="output"/> as the serializer writes <see cref="ResourceResponse"/> with <paramref name="options"/>.</summary>
    internal void Write(IBufferWriter<byte> output, JsonSerializerOptions options)
    {
        var item = resource.Item.AsSpan();
        if (!item.EndsWith(ListTail))
        {
            // A format this writer does not know: never guess at the answer's bytes.
            throw new InvalidOperationException($"The kept list item of resource {resource.Id} does not end as ResourceListJson writes it.");
        }

        output.Write(item[..^ListTail.Length]);

        // {"events":[...],"onChain":...,"onChainError":...} without its opening brace follows the item's last comma.
        var tail = JsonSerializer.SerializeToUtf8Bytes(new Tail(events, onChain, onChainError), options);
        output.Write(tail.AsSpan(1));
    }

    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(ResourceResponse), ["application/json"]));
    }

    /// <summary>The last three fields of <see cref="ResourceResponse"/>, named and ordered as there.</summary>
    private sealed record Tail(IReadOnlyList<EventResponse> Events, OnChainResponse? OnChain, string? OnChainError);
}
