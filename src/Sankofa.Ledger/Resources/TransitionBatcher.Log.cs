using Microsoft.Extensions.Logging;

namespace Sankofa.Ledger.Resources;

internal sealed partial class TransitionBatcher
{
    private static partial class Log
    {
        [LoggerMessage(70, LogLevel.Debug, "Recorded {Operation} in transaction {Transaction} (block {Block})")]
        public static partial void Recorded(ILogger logger, string operation, string transaction, long block);

        [LoggerMessage(71, LogLevel.Debug, "Recorded {Count} ResourceRegistry transitions in transaction {Transaction} (block {Block}, {GasUsed} gas)")]
        public static partial void BatchRecorded(ILogger logger, int count, string transaction, long block, long gasUsed);

        [LoggerMessage(72, LogLevel.Warning, "A batch of {Count} ResourceRegistry transitions reverted in transaction {Transaction} (the state changed after the check); sending them one by one")]
        public static partial void BatchReverted(ILogger logger, int count, string transaction);

        [LoggerMessage(73, LogLevel.Warning, "A batch of {Count} ResourceRegistry transitions failed; its callers get the error")]
        public static partial void BatchFailed(ILogger logger, int count, Exception exception);

        [LoggerMessage(74, LogLevel.Warning, "ResourceRegistry is paused: {Count} transitions wait until it is unpaused")]
        public static partial void Paused(ILogger logger, int count);
    }
}
