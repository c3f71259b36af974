using Sankofa.Ledger.Keys;

namespace Sankofa.Ledger.Gateway;

internal sealed partial class LedgerGateway
{
    private sealed class PendingTransaction(TransactionRequest request)
    {
        public TransactionRequest Request { get; } = request;

        public TaskCompletionSource<TransactionReceipt> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SignedTransactionBytes? Signed { get; set; }

        public long SignedAt { get; set; }

        /// <summary>The node accepted it into its pool at least once.</summary>
        public bool Accepted { get; set; }

        /// <summary>
        /// Some signed form of it may be in a node's pool or a block: a node accepted one, or a broadcast got no answer.
        /// Until then a node refusing it for its nonce means another transaction holds that nonce and this one is
        /// nowhere: displaced for certain, so it is signed again without waiting <see cref="LedgerOptions.DisplacedAfter"/>.
        /// </summary>
        public bool MayBeOnChain { get; set; }

        /// <summary>The node said "nonce too low"; the watcher checks whether it was mined or displaced.</summary>
        public bool Stale { get; set; }

        /// <summary>
        /// When it was first found stale with its nonce mined and no receipt (null otherwise): displaced if no receipt has
        /// come <see cref="LedgerOptions.DisplacedAfter"/> later.
        /// </summary>
        public DateTimeOffset? MaybeDisplacedSince { get; set; }

        public bool HoldsCapacity { get; set; }

        /// <summary>A transfer to self that only fills a nonce nobody else holds.</summary>
        public bool IsFiller { get; init; }

        /// <summary>The node found the gas price too low; sign again at the same nonce with a fresh price.</summary>
        public bool NeedsReprice { get; set; }

        public int Attempts { get; set; }

        public DateTimeOffset LastBroadcast { get; set; }
    }
}
