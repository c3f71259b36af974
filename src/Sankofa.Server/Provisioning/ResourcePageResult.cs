using System.Buffers;
using Sankofa.Core.Provisioning;

namespace Sankofa.Server.Provisioning;

/// <summary>
/// A page of resources produced for this request alone (the read cache is off): written into a buffer the thread
/// keeps for the next page, tagged, and copied into the response's pipe, so a page costs no array of its own.
/// The same headers, entity tag and 304 as a kept answer (<see cref="CachedJson{T}"/>).
/// </summary>
internal sealed class ResourcePageResult(ResourceJsonPage page, ResourcePageWriter writer) : IResult
{
    // Written and copied out without an await in between, so one buffer per thread is never shared.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var written = buffer ??= new ArrayBufferWriter<byte>(256 * 1024);
        written.ResetWrittenCount();
        writer.Write(page, written);
        if (CachedJson<ResourcePageResponse>.NotModified(httpContext, ResourceReadCache.ETagOf(written.WrittenSpan)))
        {
            return Task.CompletedTask;
        }

        var response = httpContext.Response;
        response.ContentLength = written.WrittenCount;
        response.BodyWriter.Write(written.WrittenSpan);
        return response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
    }
}
