using Microsoft.Extensions.Logging;

namespace Sankofa.Agent.LightClient;

public sealed partial class HeaderVerifier
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The chain has no seals (embedded chain): trusting the configured checkpoint {Number} {Hash} without seals, and headers only as far as they link to it by parent hashes")]
        public static partial void TrustingCheckpointWithoutSeals(ILogger logger, long number, string hash);

        [LoggerMessage(2, LogLevel.Information, "QBFT: trusting the {Count} validators of checkpoint {Number} {Hash}; validator changes after it are not followed")]
        public static partial void TrustingValidators(ILogger logger, int count, long number, string hash);
    }
}
