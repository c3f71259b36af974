using Microsoft.Extensions.Logging;

namespace Sankofa.Proxmox.Api;

public sealed partial class ProxmoxClient
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Proxmox cluster {ClusterId}: {Request} failed with {Status}: {Message}")]
        public static partial void RequestFailed(ILogger logger, string clusterId, string request, int status, string message);

        // Callers ask whether a VM exists and expect "no" often (before a clone, after a delete): not worth a warning each time.
        [LoggerMessage(11, LogLevel.Debug, "Proxmox cluster {ClusterId}: {Request} found nothing ({Status}): {Message}")]
        public static partial void NotFound(ILogger logger, string clusterId, string request, int status, string message);

        [LoggerMessage(2, LogLevel.Warning, "Proxmox cluster {ClusterId}: {Request} could not reach the API: {Message}")]
        public static partial void Unreachable(ILogger logger, string clusterId, string request, string message);

        [LoggerMessage(3, LogLevel.Warning, "Proxmox cluster {ClusterId}: task {Upid} failed: {ExitStatus}")]
        public static partial void TaskFailed(ILogger logger, string clusterId, string upid, string exitStatus);

        [LoggerMessage(4, LogLevel.Warning, "Proxmox cluster {ClusterId}: task {Upid} still running after {Timeout}")]
        public static partial void TaskTimedOut(ILogger logger, string clusterId, string upid, TimeSpan timeout);
    }
}
