using Sankofa.Agent.Link;

namespace Sankofa.Server.Tests.AgentLink;

/// <summary>An agent's link client running in the test until disposed (as `sankofa agent run` runs it until stopped).</summary>
internal sealed class RunningAgent : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task running;

    public RunningAgent(AgentLinkClient client)
    {
        Client = client;
        running = client.RunAsync(stop.Token);
    }

    public AgentLinkClient Client { get; }

    /// <summary>Reads until the value is done, failing with <paramref name="failure"/> after a minute.</summary>
    public static async Task<T> WaitAsync<T>(Func<T> read, Func<T, bool> done, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = read();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (stop.IsCancellationRequested)
        {
            return; // stopped already
        }

        await stop.CancelAsync();
        await running;
        stop.Dispose();
    }
}
