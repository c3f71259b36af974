namespace Sankofa.Ledger.Gateway;

/// <summary>
/// A transaction the gateway should get into a block. <see cref="OperationId"/> identifies the intent (for anchoring,
/// the batch ids): sending the same id again while it is in flight joins the first send instead of signing a second one.
/// </summary>
internal sealed record TransactionRequest(string OperationId, string? To, byte[] Data, long GasLimit);

/// <summary>A log entry of a receipt.</summary>
internal sealed record ReceiptLog(string Address, IReadOnlyList<string> Topics, string Data);

/// <summary>The outcome of a mined transaction.</summary>
internal sealed record TransactionReceipt(string TransactionHash, long BlockNumber, bool Succeeded, string? ContractAddress, long GasUsed, IReadOnlyList<ReceiptLog> Logs);
