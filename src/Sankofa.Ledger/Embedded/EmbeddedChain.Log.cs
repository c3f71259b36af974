using Microsoft.Extensions.Logging;

namespace Sankofa.Ledger.Embedded;

internal sealed partial class EmbeddedChain
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Embedded chain (anvil pid {Pid}) listening on {Socket}; own network namespace: {Isolated}; state loaded: {LoadedState}")]
        public static partial void Started(ILogger logger, int pid, string socket, bool isolated, bool loadedState);

        [LoggerMessage(2, LogLevel.Information, "Embedded chain (anvil pid {Pid}) stopped")]
        public static partial void Stopped(ILogger logger, int pid);

        [LoggerMessage(3, LogLevel.Warning, "anvil pid {Pid} did not exit after SIGTERM; killed")]
        public static partial void KilledAfterTimeout(ILogger logger, int pid);

        [LoggerMessage(4, LogLevel.Warning, "Restarting the embedded chain ({Reason}); state is kept")]
        public static partial void Restarting(ILogger logger, string reason);

        [LoggerMessage(5, LogLevel.Error, "anvil exited unexpectedly with code {ExitCode}: {Output}")]
        public static partial void ExitedUnexpectedly(ILogger logger, int exitCode, string output);

        [LoggerMessage(6, LogLevel.Warning, "anvil uses {RssMegabytes} MiB, over Ledger:MemoryLimitMegabytes={LimitMegabytes}")]
        public static partial void OverMemoryLimit(ILogger logger, long rssMegabytes, int limitMegabytes);

        [LoggerMessage(8, LogLevel.Warning, "Stopping anvil pid {Pid} left running on this data directory by a previous process")]
        public static partial void StoppingLeftover(ILogger logger, int pid);

        [LoggerMessage(9, LogLevel.Warning, "Ledger:IsolateChain is false: any local process can change the embedded chain's state through anvil's HTTP port")]
        public static partial void NotIsolated(ILogger logger);

        [LoggerMessage(7, LogLevel.Error, "Embedded chain health check failed")]
        public static partial void WatchdogFailed(ILogger logger, Exception exception);
    }
}
