namespace Sankofa.Server.Hosting;

internal static partial class HealthApi
{
    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Readiness: the database check failed")]
    private static partial void DatabaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Readiness: the chain is unreachable")]
    private static partial void ChainUnreachable(ILogger logger, Exception exception);
}
