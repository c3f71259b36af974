using System.Numerics;
using Sankofa.Core.Billing;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Billing;

/// <summary>
/// Reads SankofaBilling straight from a chain node, with no key and no Sankofa server in between, so a customer or an
/// auditor (<c>sankofa billing verify</c>) checks an invoice against what the chain holds without trusting the server.
/// </summary>
public sealed class BillingReader : IDisposable
{
    private readonly JsonRpcClient _rpc;
    private readonly string _contract;

    /// <summary>Creates a reader.</summary>
    /// <param name="rpcUrl">JSON-RPC endpoint of any node of the chain.</param>
    /// <param name="billingAddress">Address of the SankofaBilling proxy.</param>
    public BillingReader(Uri rpcUrl, string billingAddress)
    {
        ArgumentNullException.ThrowIfNull(rpcUrl);
        if (Hex.ToBytes(billingAddress).Length != 20)
        {
            throw new ArgumentException($"Not an address: {billingAddress}", nameof(billingAddress));
        }

        _rpc = new JsonRpcClient(rpcUrl, TimeSpan.FromSeconds(30));
        _contract = billingAddress;
    }

    /// <summary>The SankofaBilling address read.</summary>
    public string Contract => _contract;

    /// <summary>The chain id the node reports (part of the EIP-712 domain the parties sign under).</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public async Task<long> GetChainIdAsync(CancellationToken cancellationToken) =>
        Hex.ToLong(await _rpc.CallAsync("eth_chainId", cancellationToken).ConfigureAwait(false));

    /// <summary>The invoice as the chain holds it, or null when never issued.</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public Task<OnChainInvoice?> GetInvoiceAsync(string invoiceId, CancellationToken cancellationToken) =>
        BillingCalls.InvoiceOfAsync(_rpc, _contract, invoiceId, cancellationToken);

    /// <summary>The hash the chain holds for a price book version, or null when none is recorded.</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public Task<byte[]?> GetPriceBookHashAsync(long version, CancellationToken cancellationToken) =>
        BillingCalls.PriceBookHashAsync(_rpc, _contract, version, cancellationToken);

    /// <summary>A tenant's credit in a currency, minor units.</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public Task<long> BalanceAsync(string tenantId, string currency, CancellationToken cancellationToken) =>
        BillingCalls.BalanceAsync(_rpc, _contract, tenantId, currency, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _rpc.Dispose();
}

/// <summary>SankofaBilling's read calls and their decoding, shared by the control plane's ledger and the keyless reader.</summary>
internal static class BillingCalls
{
    public static async Task<byte[]> CallAsync(JsonRpcClient rpc, string contract, byte[] data, CancellationToken cancellationToken)
    {
        var answer = await rpc.CallAsync("eth_call", cancellationToken, new { to = contract, data = Hex.Bytes(data) }, "latest").ConfigureAwait(false);
        return Hex.ToBytes(answer.GetString()!);
    }

    public static async Task<OnChainInvoice?> InvoiceOfAsync(JsonRpcClient rpc, string contract, string invoiceId, CancellationToken cancellationToken)
    {
        var w = await CallAsync(rpc, contract, [.. Abi.Selector("invoiceOf(bytes32)"), .. LedgerIds.Of(invoiceId)], cancellationToken).ConfigureAwait(false);
        var state = (OnChainInvoiceState)(int)Uint(w, 10);
        return state == OnChainInvoiceState.None ? null : new OnChainInvoice(
            w[0..32], w[32..64], w[64..96], System.Text.Encoding.ASCII.GetString(w[96..128]).TrimEnd('\0'),
            Time(w, 4), Time(w, 5), (long)Uint(w, 6), Time(w, 7), (long)Uint(w, 8), (long)Uint(w, 9), state, Address(w, 11), Address(w, 12));
    }

    public static async Task<byte[]?> PriceBookHashAsync(JsonRpcClient rpc, string contract, long version, CancellationToken cancellationToken)
    {
        var w = await CallAsync(rpc, contract, [.. Abi.Selector("priceBookOf(uint64)"), .. Uint64((ulong)version)], cancellationToken).ConfigureAwait(false);
        var hash = w[0..32];
        return hash.AsSpan().ContainsAnyExcept((byte)0) ? hash : null;
    }

    public static async Task<long> BalanceAsync(JsonRpcClient rpc, string contract, string tenantId, string currency, CancellationToken cancellationToken)
    {
        var w = await CallAsync(rpc, contract, [.. Abi.Selector("balanceOf(bytes32,bytes32)"), .. LedgerIds.Of(tenantId), .. BillingFunctions.Currency(currency)],
            cancellationToken).ConfigureAwait(false);
        return (long)Uint(w, 0);
    }

    public static byte[] Uint64(ulong value)
    {
        var word = new byte[32];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(word.AsSpan(24), value);
        return word;
    }

    private static BigInteger Uint(byte[] words, int index) => new(words.AsSpan(32 * index, 32), isUnsigned: true, isBigEndian: true);

    private static DateTimeOffset Time(byte[] words, int index) => DateTimeOffset.FromUnixTimeSeconds((long)Uint(words, index));

    private static string? Address(byte[] words, int index) =>
        words.AsSpan(32 * index, 32).ContainsAnyExcept((byte)0) ? Hex.Bytes(words.AsSpan((32 * index) + 12, 20)) : null;
}
