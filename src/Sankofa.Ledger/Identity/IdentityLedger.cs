using Microsoft.Extensions.Logging;
using Nethereum.Contracts;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Identity;

/// <summary>
/// Records identities on IdentityRegistry. Identity writes are rare, so each is its own transaction through the gateway,
/// checked first with an eth_call: a write the contract would refuse fails here with the contract's decoded error
/// instead of costing a reverted transaction.
/// </summary>
internal sealed partial class IdentityLedger(LedgerRuntime runtime, ILogger<IdentityLedger> logger) : IIdentityLedger
{
    // Gas limits: what each write used on the compiled contract, measured on anvil (register 94k, a first grantIdentityRole
    // 122k, revokeIdentityRole 56k after its storage refunds, suspend/reinstate/revoke 31k, grantRole 51k), plus about a third.
    private const long RegisterGas = 130_000;
    private const long StatusGas = 45_000;
    private const long GrantRoleGas = 165_000;
    private const long RevokeRoleGas = 90_000;
    private const long GrantRegistrarGas = 70_000;

    private long _sequence;

    public Task<IdentityReceipt> RegisterAsync(string identityId, byte[] subjectHash, string controller, CancellationToken cancellationToken)
    {
        var function = new RegisterFunction { Id = LedgerIds.Of(identityId), SubjectHash = Hash32(subjectHash, nameof(subjectHash)), Controller = Address(controller, nameof(controller)) };
        return SendAsync($"register identity '{identityId}' to {function.Controller}", function, RegisterGas, cancellationToken);
    }

    public Task<IdentityReceipt> SuspendAsync(string identityId, CancellationToken cancellationToken) =>
        SendAsync($"suspend identity '{identityId}'", new SuspendFunction { Id = LedgerIds.Of(identityId) }, StatusGas, cancellationToken);

    public Task<IdentityReceipt> ReinstateAsync(string identityId, CancellationToken cancellationToken) =>
        SendAsync($"reinstate identity '{identityId}'", new ReinstateFunction { Id = LedgerIds.Of(identityId) }, StatusGas, cancellationToken);

    public Task<IdentityReceipt> RevokeAsync(string identityId, CancellationToken cancellationToken) =>
        SendAsync($"revoke identity '{identityId}'", new RevokeFunction { Id = LedgerIds.Of(identityId) }, StatusGas, cancellationToken);

    public Task<IdentityReceipt> GrantRoleAsync(string identityId, string role, string? scope, CancellationToken cancellationToken) =>
        SendAsync($"grant role '{role}' {Describe(scope)} to identity '{identityId}'",
            new GrantIdentityRoleFunction { Id = LedgerIds.Of(identityId), Role = LedgerIds.Of(role), Scope = Scope(scope) }, GrantRoleGas, cancellationToken);

    public Task<IdentityReceipt> RevokeRoleAsync(string identityId, string role, string? scope, CancellationToken cancellationToken) =>
        SendAsync($"revoke role '{role}' {Describe(scope)} from identity '{identityId}'",
            new RevokeIdentityRoleFunction { Id = LedgerIds.Of(identityId), Role = LedgerIds.Of(role), Scope = Scope(scope) }, RevokeRoleGas, cancellationToken);

    public Task<IdentityReceipt> GrantRegistrarAsync(string address, CancellationToken cancellationToken)
    {
        var function = new GrantRoleFunction { Role = IdentityRegistryCalls.RegistrarRole, Account = Address(address, nameof(address)) };
        return SendAsync($"grant REGISTRAR_ROLE to {function.Account}", function, GrantRegistrarGas, cancellationToken);
    }

    public Task<OnChainIdentity?> GetAsync(string identityId, CancellationToken cancellationToken)
    {
        var connection = runtime.Connection;
        return IdentityRegistryCalls.GetAsync(connection.Rpc, connection.IdentityRegistryAddress, LedgerIds.Of(identityId), cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, IdentityStatus>> GetStatusesAsync(IReadOnlyCollection<string> identityIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identityIds);
        var ids = identityIds.Distinct(StringComparer.Ordinal).ToArray();
        var keys = ids.Select(LedgerIds.Of).ToArray();
        var connection = runtime.Connection;
        var statuses = await IdentityRegistryCalls.GetStatusesAsync(connection.Rpc, connection.IdentityRegistryAddress, keys, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, IdentityStatus>(ids.Length, StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++)
        {
            result[ids[i]] = statuses[i];
        }

        return result;
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<IdentityRoleGrant>>> GetRoleGrantsAsync(IReadOnlyCollection<string> identityIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identityIds);
        var ids = identityIds.Distinct(StringComparer.Ordinal).ToArray();
        var connection = runtime.Connection;
        var grants = await IdentityRegistryCalls.GetRoleGrantsAsync(connection.Rpc, connection.IdentityRegistryAddress, [.. ids.Select(LedgerIds.Of)], cancellationToken)
            .ConfigureAwait(false);
        return ids.Zip(grants).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
    }

    public IdentityRoleGrant KeyOf(RoleGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return new IdentityRoleGrant(LedgerIds.Of(grant.Role), Scope(grant.Scope));
    }

    public Task<bool> HasRoleAsync(string identityId, string role, string? scope, CancellationToken cancellationToken)
    {
        var connection = runtime.Connection;
        return IdentityRegistryCalls.HasRoleAsync(
            connection.Rpc, connection.IdentityRegistryAddress, LedgerIds.Of(identityId), LedgerIds.Of(role), Scope(scope), cancellationToken);
    }

    public async Task<OnChainIdentity?> FindByControllerAsync(string controller, CancellationToken cancellationToken)
    {
        var address = Address(controller, nameof(controller));
        var connection = runtime.Connection;
        var key = await IdentityRegistryCalls.IdentityOfAsync(connection.Rpc, connection.IdentityRegistryAddress, address, cancellationToken).ConfigureAwait(false);
        return key is null
            ? null
            : await IdentityRegistryCalls.GetAsync(connection.Rpc, connection.IdentityRegistryAddress, key, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IdentityReceipt> SendAsync<TFunction>(string action, TFunction function, long gas, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new()
    {
        var connection = runtime.Connection;
        var data = function.GetCallData();
        await CheckAsync(connection, action, data, cancellationToken).ConfigureAwait(false);

        // A fresh operation id per call: the gateway joins sends that share one, and a suspend joining an earlier
        // suspend still in flight would land before a reinstate made in between. Repeats are harmless on chain anyway.
        var operation = $"identity-registry:{Interlocked.Increment(ref _sequence)}:{action}";
        var receipt = await connection.Gateway.SendAsync(new TransactionRequest(operation, connection.IdentityRegistryAddress, data, gas), cancellationToken)
            .ConfigureAwait(false);
        if (!receipt.Succeeded)
        {
            // The state changed between the check and the block (another control plane wrote first): checking again names why.
            Log.RevertedAfterCheck(logger, action, receipt.TransactionHash);
            await CheckAsync(connection, action, data, cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException($"IdentityRegistry reverted {action} in transaction {receipt.TransactionHash}.");
        }

        // Every change emits an event and a repeat emits none, so a log of the registry tells which this was.
        var changed = receipt.Logs.Any(l => string.Equals(l.Address, connection.IdentityRegistryAddress, StringComparison.OrdinalIgnoreCase));
        Log.Recorded(logger, action, changed, receipt.TransactionHash, receipt.BlockNumber);
        return new IdentityReceipt(receipt.TransactionHash, receipt.BlockNumber, changed);
    }

    /// <summary>Runs the call as an eth_call from the signing key; throws <see cref="IdentityRefusedException"/> when the contract refuses it.</summary>
    private async Task CheckAsync(LedgerConnection connection, string action, byte[] data, CancellationToken cancellationToken)
    {
        var call = new { from = connection.SignerAddress, to = connection.IdentityRegistryAddress, data = Hex.Bytes(data) };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await connection.Rpc.CallAsync("eth_call", cancellationToken, call, "latest").ConfigureAwait(false);
                return;
            }
            catch (JsonRpcException ex) when (ex.IsRevert)
            {
                var refusal = IdentityRegistryErrors.Refusal(action, ex);
                Log.Refused(logger, refusal.Reason, refusal.Message);
                throw refusal;
            }
            catch (JsonRpcException) when (attempt < 3)
            {
                // The node could not run the call, which says nothing about the contract (an embedded chain keeping no
                // history can drop the block it took as "latest" while a new one is mined). Ask again.
            }
            catch (JsonRpcException ex)
            {
                throw new LedgerUnavailableException($"The chain could not check {action}: {ex.Message}", ex);
            }
        }
    }

    private static byte[] Hash32(byte[] hash, string name) =>
        hash is { Length: 32 } && hash.AsSpan().ContainsAnyExcept((byte)0)
            ? hash
            : throw new ArgumentException("Must be a 32-byte hash, not all zero.", name);

    /// <summary>An address as 0x + 40 lower-case hex digits; the zero address is refused (it is "no controller").</summary>
    private static string Address(string address, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address, name);
        var digits = address.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? address[2..] : address;
        return digits.Length == 40 && digits.All(char.IsAsciiHexDigit) && digits.Any(c => c != '0')
            ? "0x" + digits.ToLowerInvariant()
            : throw new ArgumentException($"Not an Ethereum address (0x and 40 hex digits, not all zero): '{address}'.", name);
    }

    /// <summary>A tenant id's hash, or zero for platform-wide (null); an empty scope is a mistake, not "platform-wide".</summary>
    private static byte[] Scope(string? scope) => scope is null ? new byte[32] : LedgerIds.Of(scope);

    private static string Describe(string? scope) => scope is null ? "platform-wide" : $"in scope '{scope}'";
}
