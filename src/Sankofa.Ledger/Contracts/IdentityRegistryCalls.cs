using Nethereum.Contracts;
using Sankofa.Core.Identity;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Contracts;

/// <summary>Read calls on IdentityRegistry. Ids, roles and scopes arrive already hashed (see <see cref="Resources.LedgerIds"/>).</summary>
internal static class IdentityRegistryCalls
{
    // Ids per statusesOf eth_call: about 2,600 gas each (a cold storage read plus the copy), so a chunk stays near
    // 3M gas, far under any node's eth_call gas cap. All chunks travel in one JSON-RPC batch.
    private const int StatusesChunkSize = 1_000;

    private static readonly byte[] StatusesOfSelector = Abi.Selector("statusesOf(bytes32[])");

    /// <summary>keccak256("REGISTRAR_ROLE"), the role a control plane's key needs to write.</summary>
    public static readonly byte[] RegistrarRole = Abi.Topic("REGISTRAR_ROLE");

    /// <summary>The identity's record and role grants, read in one JSON-RPC batch (one HTTP round trip); null when unknown.</summary>
    public static Task<OnChainIdentity?> GetAsync(JsonRpcClient rpc, string contract, byte[] key, CancellationToken cancellationToken) =>
        ReadAsync(() => GetRecordAsync(rpc, contract, key, cancellationToken));

    private static async Task<OnChainIdentity?> GetRecordAsync(JsonRpcClient rpc, string contract, byte[] key, CancellationToken cancellationToken)
    {
        var answers = await rpc.BatchAsync(
            [
                Call(contract, new RecordOfFunction { Id = key }.GetCallData()),
                Call(contract, new RolesOfFunction { Id = key }.GetCallData()),
            ],
            cancellationToken).ConfigureAwait(false);
        var record = new RecordOfOutput().DecodeOutput(Output(answers[0])).Identity;
        if (record.Status == 0)
        {
            return null;
        }

        var roles = new RolesOfOutput().DecodeOutput(Output(answers[1])).Grants;
        return new OnChainIdentity(
            key, record.SubjectHash, record.Controller.ToLowerInvariant(), ToStatus(record.Status), (long)record.UpdatedBlock,
            [.. roles.Select(g => new IdentityRoleGrant(g.Role, g.Scope))]);
    }

    /// <summary>The role grants of each of <paramref name="keys"/>, in order: one rolesOf eth_call each, all in one JSON-RPC batch.</summary>
    public static Task<IReadOnlyList<IdentityRoleGrant>[]> GetRoleGrantsAsync(JsonRpcClient rpc, string contract, IReadOnlyList<byte[]> keys, CancellationToken cancellationToken) =>
        ReadAsync(async () =>
        {
            if (keys.Count == 0)
            {
                return [];
            }

            var answers = await rpc.BatchAsync([.. keys.Select(k => Call(contract, new RolesOfFunction { Id = k }.GetCallData()))], cancellationToken).ConfigureAwait(false);
            return answers.Select(a => (IReadOnlyList<IdentityRoleGrant>)[.. new RolesOfOutput().DecodeOutput(Output(a)).Grants.Select(g => new IdentityRoleGrant(g.Role, g.Scope))])
                .ToArray();
        });

    /// <summary>The statuses of <paramref name="keys"/>, in order: statusesOf in chunks, all chunks in one JSON-RPC batch.</summary>
    public static Task<IdentityStatus[]> GetStatusesAsync(JsonRpcClient rpc, string contract, IReadOnlyList<byte[]> keys, CancellationToken cancellationToken) =>
        ReadAsync(() => GetStatusChunksAsync(rpc, contract, keys, cancellationToken));

    private static async Task<IdentityStatus[]> GetStatusChunksAsync(JsonRpcClient rpc, string contract, IReadOnlyList<byte[]> keys, CancellationToken cancellationToken)
    {
        var chunks = keys.Chunk(StatusesChunkSize).ToArray();
        var answers = await rpc.BatchAsync(
            [.. chunks.Select(chunk => Call(contract, Abi.EncodeWordArrays(StatusesOfSelector, [(w, i) => chunk[i].CopyTo(w)], chunk.Length)))],
            cancellationToken).ConfigureAwait(false);
        var statuses = new IdentityStatus[keys.Count];
        for (var c = 0; c < chunks.Length; c++)
        {
            DecodeStatuses(Hex.ToBytes(Output(answers[c])), chunks[c].Length, statuses.AsSpan(c * StatusesChunkSize));
        }

        return statuses;
    }

    /// <summary>Whether the identity is Active and holds the role within the scope.</summary>
    public static Task<bool> HasRoleAsync(JsonRpcClient rpc, string contract, byte[] key, byte[] role, byte[] scope, CancellationToken cancellationToken) =>
        ReadAsync(async () => IsTrue(await CallAsync(rpc, contract, new HasIdentityRoleFunction { Id = key, Role = role, Scope = scope }.GetCallData(), cancellationToken).ConfigureAwait(false)));

    /// <summary>The key of the identity <paramref name="controller"/> belongs to, or null when none.</summary>
    public static Task<byte[]?> IdentityOfAsync(JsonRpcClient rpc, string contract, string controller, CancellationToken cancellationToken) =>
        ReadAsync(() => IdentityKeyOfAsync(rpc, contract, controller, cancellationToken));

    private static async Task<byte[]?> IdentityKeyOfAsync(JsonRpcClient rpc, string contract, string controller, CancellationToken cancellationToken)
    {
        var output = await CallAsync(rpc, contract, new IdentityOfFunction { Controller = controller }.GetCallData(), cancellationToken).ConfigureAwait(false);
        if (output.Length != 32)
        {
            throw new FormatException($"identityOf returned {output.Length} bytes, not 32.");
        }

        return output.AsSpan().ContainsAnyExcept((byte)0) ? output : null;
    }

    /// <summary>
    /// Whether <paramref name="account"/> holds REGISTRAR_ROLE; false too when the contract reverts hasRole (it is not an
    /// IdentityRegistry). A node that cannot answer is <see cref="LedgerUnavailableException"/>, never a "no".
    /// </summary>
    public static async Task<bool> IsRegistrarAsync(JsonRpcClient rpc, string contract, string account, CancellationToken cancellationToken)
    {
        try
        {
            var data = new HasRoleFunction { Role = RegistrarRole, Account = account }.GetCallData();
            return IsTrue(await CallAsync(rpc, contract, data, cancellationToken).ConfigureAwait(false));
        }
        catch (JsonRpcException ex) when (ex.IsRevert)
        {
            return false;
        }
        catch (JsonRpcException ex)
        {
            throw new LedgerUnavailableException($"The chain did not answer whether {account} is a registrar: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// A read of the registry. An error answer or an output that does not decode means the node could not answer it
    /// (a pruned state, a node still syncing, a wrong address): the caller sees the chain as unavailable (503), not a
    /// fault of its own and not a 500.
    /// </summary>
    private static async Task<T> ReadAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JsonRpcException or FormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw new LedgerUnavailableException($"The IdentityRegistry could not be read: {ex.Message}", ex);
        }
    }

    /// <summary>Decodes statusesOf's uint8[]: an offset word, a length word, then one word per status.</summary>
    private static void DecodeStatuses(ReadOnlySpan<byte> data, int expected, Span<IdentityStatus> into)
    {
        var body = data[(int)Abi.ReadUInt64(data, 0)..];
        var length = (int)Abi.ReadUInt64(body, 0);
        if (length != expected)
        {
            throw new FormatException($"statusesOf returned {length} statuses for {expected} ids.");
        }

        for (var i = 0; i < length; i++)
        {
            into[i] = ToStatus(Abi.ReadUInt64(body, 1 + i));
        }
    }

    private static IdentityStatus ToStatus(ulong value) =>
        value <= (ulong)IdentityStatus.Revoked ? (IdentityStatus)value : throw new FormatException($"Unknown identity status {value}.");

    private static bool IsTrue(byte[] output) => output.Length == 32 && output[31] == 1;

    private static JsonRpcCall Call(string contract, byte[] data) => new("eth_call", new { to = contract, data = Hex.Bytes(data) }, "latest");

    private static async Task<byte[]> CallAsync(JsonRpcClient rpc, string contract, byte[] data, CancellationToken cancellationToken)
    {
        var output = await rpc.CallAsync("eth_call", cancellationToken, new { to = contract, data = Hex.Bytes(data) }, "latest").ConfigureAwait(false);
        return Hex.ToBytes(output.GetString() ?? "0x");
    }

    private static string Output(JsonRpcResult answer) =>
        answer.Error is { } error ? throw error : answer.Value.GetString() ?? "0x";
}
