using Microsoft.Extensions.Logging;

namespace Sankofa.Agent.Work;

public sealed partial class WorkRunner
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Work {WorkId} ({Kind} {Resource}) already runs here; the repeat is not run beside it")]
    private static partial void LogAlreadyRunning(ILogger logger, string workId, string kind, string resource);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Work {WorkId} for {Resource} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string workId, string resource, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Work {WorkId} for {Resource} ended {Outcome}: {Detail}")]
    private static partial void LogEnded(ILogger logger, string workId, string resource, string outcome, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Work {WorkId} for {Resource}: the proof sent with it does not count ({Reason}); the agent reads the chain itself")]
    private static partial void LogSentProofIgnored(ILogger logger, string workId, string resource, string reason);
}
