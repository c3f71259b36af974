using Microsoft.Extensions.Logging;

namespace Sankofa.Ledger.Gateway;

internal sealed partial class LedgerGateway
{
    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Debug, "Nonce of {Address} synchronised from the chain: next is {Nonce}")]
        public static partial void NonceSynchronised(ILogger logger, string address, long nonce);

        [LoggerMessage(21, LogLevel.Information, "Re-broadcasting {Count} transactions without receipt, lowest nonce {Nonce}")]
        public static partial void Rebroadcasting(ILogger logger, int count, long nonce);

        [LoggerMessage(22, LogLevel.Warning, "Transaction for {OperationId} (nonce {Nonce}) was displaced; signing it again with a fresh nonce")]
        public static partial void Resigning(ILogger logger, string operationId, long nonce);

        [LoggerMessage(24, LogLevel.Warning, "Nonce gap: the chain has mined up to nonce {MinedNonce}; filling {Count} missing nonces with transfers to self")]
        public static partial void FillingGap(ILogger logger, long minedNonce, int count);

        [LoggerMessage(25, LogLevel.Debug, "{Count} accepted transactions have no receipt; asking the embedded chain to mine")]
        public static partial void MiningStalled(ILogger logger, int count);

        [LoggerMessage(26, LogLevel.Debug, "Transaction for {OperationId} (nonce {Nonce}) refused: another transaction holds its nonce; signed again once that one is mined")]
        public static partial void NonceHeldElsewhere(ILogger logger, string operationId, long nonce);

        [LoggerMessage(23, LogLevel.Warning, "Ledger gateway error ({Kind}): {Message}")]
        public static partial void GatewayError(ILogger logger, string kind, string message);
    }
}
