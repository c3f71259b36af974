using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sankofa.Server.Tests.Identity.Accounts;

/// <summary>Keeps every log line a server writes (message, exception and scopes, at every level), to look for secrets in them.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyCollection<string> Lines => lines;

    /// <summary>Adds the capture to a server's logging, at Trace so nothing escapes it.</summary>
    public void AttachTo(WebApplicationBuilder builder)
    {
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddFilter<LogCapture>(null, LogLevel.Trace);
        builder.Services.AddSingleton<ILoggerProvider>(this);
    }

    /// <summary>The lines that contain any of the secrets.</summary>
    public IReadOnlyList<string> Containing(IEnumerable<string> secrets)
    {
        var all = secrets.Where(s => s.Length >= 8).ToList();
        return [.. lines.Where(l => all.Any(s => l.Contains(s, StringComparison.Ordinal)))];
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The structured values too: a sink that writes JSON would write them even where the message leaves them out.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {values} {exception}");
        }
    }
}
