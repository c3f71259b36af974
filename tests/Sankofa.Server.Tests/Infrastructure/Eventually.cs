namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>Repeats an attempt until its answer satisfies a condition: for changes that reach a server within seconds, not at once.</summary>
internal static class Eventually
{
    /// <summary>The first answer that is <paramref name="done"/>, or the last one after <paramref name="timeout"/> (default 30 s) for the caller to assert on.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> attempt, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var result = await attempt();
            if (done(result) || DateTime.UtcNow > deadline)
            {
                return result;
            }

            await Task.Delay(200);
        }
    }
}
