namespace Sankofa.Server.Portal;

/// <summary>What a portal page could not do: people see a message of the page's own, the exception goes to the log.</summary>
internal static partial class PortalLog
{
    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "Portal: {What} failed")]
    public static partial void Failed(ILogger logger, string what, Exception exception);
}
