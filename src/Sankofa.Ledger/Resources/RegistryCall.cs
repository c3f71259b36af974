using System.Diagnostics;
using Sankofa.Core.Ledger;

namespace Sankofa.Ledger.Resources;

/// <summary>One ResourceRegistry transition waiting for a transaction, and the caller waiting for its receipt.</summary>
/// <param name="Operation">What the call does, for messages and as its gateway operation id when sent alone.</param>
/// <param name="Data">ABI-encoded call of the contract function.</param>
/// <param name="Gas">Most gas the call can use, including its share of a multicall's overhead.</param>
/// <param name="CancellationToken">The caller's token: a call cancelled before its batch is sent is left out.</param>
internal sealed record RegistryCall(string Operation, byte[] Data, long Gas, CancellationToken CancellationToken)
{
    /// <summary>Completed by the batcher with the carrying transaction's receipt, or cancelled by a caller that gave up.</summary>
    public TaskCompletionSource<LedgerReceipt> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The caller's span for this call (default when not traced): the batch that carries it links to it.</summary>
    public ActivityContext Trace { get; set; }
}
