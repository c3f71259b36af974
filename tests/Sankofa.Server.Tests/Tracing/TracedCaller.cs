using System.Diagnostics;
using System.Net.Http.Json;
using Sankofa.TestSupport;

namespace Sankofa.Server.Tests.Tracing;

/// <summary>
/// A caller in a trace of its own, as a traced gateway or client would call: it sends its W3C <c>traceparent</c>. The
/// test process's HttpClient would put its own span's there while any tracer listens in the process (an in-process
/// server with tracing on), so this client's handler propagates nothing and the header is the caller's.
/// </summary>
internal sealed class TracedCaller : IDisposable
{
    private readonly HttpClient client;

    private TracedCaller(HttpClient client) => this.client = client;

    public ActivityTraceId TraceId { get; } = ActivityTraceId.CreateRandom();

    public ActivitySpanId SpanId { get; } = ActivitySpanId.CreateRandom();

    /// <summary>Signed in as the platform administrator of <paramref name="server"/>.</summary>
    public static async Task<TracedCaller> SignInAsync(Uri server)
    {
        var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
        await AdminToken.SignInAsync(client);
        return new TracedCaller(client);
    }

    public async Task<HttpResponseMessage> PostAsync(string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("traceparent", $"00-{TraceId}-{SpanId}-01");
        return await client.SendAsync(request);
    }

    public void Dispose() => client.Dispose();
}
