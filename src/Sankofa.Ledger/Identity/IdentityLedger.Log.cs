using Microsoft.Extensions.Logging;
using Sankofa.Core.Identity;

namespace Sankofa.Ledger.Identity;

internal sealed partial class IdentityLedger
{
    private static partial class Log
    {
        [LoggerMessage(80, LogLevel.Information, "IdentityRegistry: {Action} (changed: {Changed}) in transaction {Transaction} (block {Block})")]
        public static partial void Recorded(ILogger logger, string action, bool changed, string transaction, long block);

        [LoggerMessage(81, LogLevel.Information, "IdentityRegistry refused a write ({Reason}): {Message}")]
        public static partial void Refused(ILogger logger, IdentityRefusal reason, string message);

        [LoggerMessage(82, LogLevel.Warning, "IdentityRegistry reverted {Action} in transaction {Transaction} although the check passed (another registrar wrote first)")]
        public static partial void RevertedAfterCheck(ILogger logger, string action, string transaction);
    }
}
