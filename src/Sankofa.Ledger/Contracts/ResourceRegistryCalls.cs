using Nethereum.Contracts;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Contracts;

/// <summary>Read calls on ResourceRegistry, shared by the ledger and the key-less <see cref="ResourceRegistryReader"/>.</summary>
internal static class ResourceRegistryCalls
{
    // abi.encode(new bytes[](0)): the offset word 0x20, then the length word 0.
    private static readonly string EmptyBytesArray = "0x" + "20".PadLeft(64, '0') + new string('0', 64);

    /// <summary>
    /// The resource's record and whether it is verified, read in one JSON-RPC batch (one HTTP round trip). Two plain
    /// eth_calls rather than one multicall, so the reader also works against a registry deployed before multicall.
    /// </summary>
    public static async Task<OnChainResource?> GetAsync(JsonRpcClient rpc, string contract, string resourceId, CancellationToken cancellationToken) =>
        (await GetByKeysAsync(rpc, contract, [LedgerIds.Of(resourceId)], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>The records of resources given by their keys on chain, in order (null where the chain holds nothing), in one JSON-RPC batch.</summary>
    public static Task<IReadOnlyList<OnChainResource?>> GetByKeysAsync(JsonRpcClient rpc, string contract, IReadOnlyList<byte[]> keys, CancellationToken cancellationToken) =>
        GetByKeysAsync(rpc, contract, keys, "latest", cancellationToken);

    /// <summary>
    /// The resource's record and whether it is verified as the chain held them at the end of the block with this hash
    /// (EIP-1898: a block named by its hash, so a reorganised chain cannot answer for another block of that number).
    /// </summary>
    public static async Task<OnChainResource?> GetAtBlockAsync(JsonRpcClient rpc, string contract, string resourceId, string blockHash, CancellationToken cancellationToken) =>
        (await GetByKeysAsync(rpc, contract, [LedgerIds.Of(resourceId)], new { blockHash }, cancellationToken).ConfigureAwait(false))[0];

    private static async Task<IReadOnlyList<OnChainResource?>> GetByKeysAsync(
        JsonRpcClient rpc, string contract, IReadOnlyList<byte[]> keys, object block, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        var answers = await rpc.BatchAsync(
            [
                .. keys.SelectMany(key => new[]
                {
                    new JsonRpcCall("eth_call", new { to = contract, data = Hex.Bytes(new ResourceOfFunction { ResourceId = key }.GetCallData()) }, block),
                    new JsonRpcCall("eth_call", new { to = contract, data = Hex.Bytes(new IsVerifiedFunction { ResourceId = key }.GetCallData()) }, block),
                }),
            ],
            cancellationToken).ConfigureAwait(false);
        var records = new List<OnChainResource?>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            var r = new ResourceOfOutput().DecodeOutput(Output(answers[2 * i])).Resource;
            var verified = Hex.ToBytes(Output(answers[(2 * i) + 1]));
            records.Add(r.State == 0
                ? null
                : new OnChainResource(
                    (OnChainResourceState)r.State, r.SpecHash, r.Site, r.Host, r.ControlPlaneAttestation, r.SiteAttestation,
                    (long)r.UpdatedBlock, verified.Length == 32 && verified[31] == 1));
        }

        return records;
    }

    /// <summary>The site's registered key (0x-prefixed, lower case), or null when it has none.</summary>
    public static async Task<string?> SiteKeyOfAsync(JsonRpcClient rpc, string contract, string siteId, CancellationToken cancellationToken)
    {
        var output = await rpc.CallAsync(
                "eth_call", cancellationToken, new { to = contract, data = Hex.Bytes(new SiteKeyOfFunction { Site = LedgerIds.Of(siteId) }.GetCallData()) }, "latest")
            .ConfigureAwait(false);
        var word = Hex.ToBytes(output.GetString() ?? "0x");
        if (word.Length != 32)
        {
            throw new LedgerUnavailableException($"ResourceRegistry answered siteKeyOf with {word.Length} bytes, not 32.");
        }

        return word.AsSpan(12).ContainsAnyExcept((byte)0) ? Hex.Bytes(word.AsSpan(12)) : null;
    }

    /// <summary>The contract's <c>isVerified</c> for the resource, in one eth_call.</summary>
    public static async Task<bool> IsVerifiedAsync(JsonRpcClient rpc, string contract, string resourceId, CancellationToken cancellationToken)
    {
        var output = await rpc.CallAsync(
                "eth_call", cancellationToken, new { to = contract, data = Hex.Bytes(new IsVerifiedFunction { ResourceId = LedgerIds.Of(resourceId) }.GetCallData()) }, "latest")
            .ConfigureAwait(false);
        var verified = Hex.ToBytes(output.GetString() ?? "0x");
        return verified.Length == 32 && verified[31] == 1;
    }

    /// <summary>The contract's <c>isVerified</c> for each resource, in order, in one JSON-RPC batch.</summary>
    public static async Task<IReadOnlyList<bool>> AreVerifiedAsync(JsonRpcClient rpc, string contract, IReadOnlyList<string> resourceIds, CancellationToken cancellationToken)
    {
        if (resourceIds.Count == 0)
        {
            return [];
        }

        var answers = await rpc.BatchAsync(
            [.. resourceIds.Select(id => new JsonRpcCall("eth_call", new { to = contract, data = Hex.Bytes(new IsVerifiedFunction { ResourceId = LedgerIds.Of(id) }.GetCallData()) }, "latest"))],
            cancellationToken).ConfigureAwait(false);
        return [.. answers.Select(a => Hex.ToBytes(Output(a)) is { Length: 32 } verified && verified[31] == 1)];
    }

    /// <summary>A jurisdiction as the registry stores it: the two ASCII bytes of its upper-case ISO 3166-1 alpha-2 code.</summary>
    public static byte[] JurisdictionCode(string jurisdiction)
    {
        ArgumentNullException.ThrowIfNull(jurisdiction);
        return jurisdiction.Length == 2 && char.IsAsciiLetterUpper(jurisdiction[0]) && char.IsAsciiLetterUpper(jurisdiction[1])
            ? [(byte)jurisdiction[0], (byte)jurisdiction[1]]
            : throw new ArgumentException($"A jurisdiction is an upper-case ISO 3166-1 alpha-2 code, not '{jurisdiction}'.", nameof(jurisdiction));
    }

    /// <summary>Whether the registry records jurisdictions (has <c>jurisdictionOf</c>, and with it <c>placeIn</c>).</summary>
    public static async Task<bool> HasJurisdictionsAsync(JsonRpcClient rpc, string contract, CancellationToken cancellationToken)
    {
        try
        {
            var output = await rpc.CallAsync("eth_call", cancellationToken,
                new { to = contract, data = Hex.Bytes(new JurisdictionOfFunction { ResourceId = new byte[32] }.GetCallData()) }, "latest").ConfigureAwait(false);
            return Hex.ToBytes(output.GetString() ?? "0x").Length == 32;
        }
        catch (JsonRpcException ex) when (ex.IsRevert)
        {
            return false;
        }
    }

    /// <summary>
    /// The contract's <c>attestationDigest</c>: what the resource's site signs next. It covers the count of site
    /// attestations accepted so far, which only the chain knows, so it is read rather than computed here.
    /// </summary>
    public static async Task<byte[]> AttestationDigestAsync(JsonRpcClient rpc, string contract, string resourceId, byte[] specHash, CancellationToken cancellationToken)
    {
        var output = await rpc.CallAsync(
                "eth_call", cancellationToken,
                new { to = contract, data = Hex.Bytes(new AttestationDigestFunction { ResourceId = LedgerIds.Of(resourceId), SpecHash = specHash }.GetCallData()) }, "latest")
            .ConfigureAwait(false);
        var digest = Hex.ToBytes(output.GetString() ?? "0x");
        return digest.Length == 32 ? digest : throw new LedgerUnavailableException($"ResourceRegistry answered attestationDigest with {digest.Length} bytes, not 32.");
    }

    /// <summary>
    /// The first function this ledger needs that the contract at <paramref name="contract"/> lacks (a registry deployed by
    /// an earlier version), or null when it has them all: <c>multicall(bytes[])</c> to batch transitions, and
    /// <c>siteKeyDigest(bytes32,address)</c>, which comes with site keys registered on their own proof of possession, and an
    /// ERC-1967 proxy in front (upgradeable, with <c>SITE_REGISTRAR_ROLE</c>).
    /// </summary>
    public static async Task<string?> MissingFunctionAsync(JsonRpcClient rpc, string contract, string from, CancellationToken cancellationToken)
    {
        if (!await HasMulticallAsync(rpc, contract, from, cancellationToken).ConfigureAwait(false))
        {
            return "multicall(bytes[])";
        }

        try
        {
            var probe = new SiteKeyDigestFunction { Site = LedgerIds.Of("probe"), Key = from };
            var output = await rpc.CallAsync("eth_call", cancellationToken, new { from, to = contract, data = Hex.Bytes(probe.GetCallData()) }, "latest")
                .ConfigureAwait(false);
            if (Hex.ToBytes(output.GetString() ?? "0x").Length != 32)
            {
                return "siteKeyDigest(bytes32,address)";
            }
        }
        catch (JsonRpcException ex) when (ex.IsRevert)
        {
            return "siteKeyDigest(bytes32,address)";
        }

        // Upgradeable (and with SITE_REGISTRAR_ROLE, which came with it) only behind a proxy.
        return await Erc1967.ImplementationAsync(rpc, contract, cancellationToken).ConfigureAwait(false) is null
            ? "upgradeToAndCall(address,bytes) behind an ERC-1967 proxy"
            : null;
    }

    /// <summary>
    /// Whether the contract at <paramref name="contract"/> has <c>multicall(bytes[])</c>, which the ledger needs to record
    /// many transitions per transaction: an empty multicall returns an empty array, a contract without it reverts.
    /// </summary>
    public static async Task<bool> HasMulticallAsync(JsonRpcClient rpc, string contract, string from, CancellationToken cancellationToken)
    {
        try
        {
            var output = await rpc.CallAsync("eth_call", cancellationToken, new { from, to = contract, data = Hex.Bytes(new MulticallFunction().GetCallData()) }, "latest")
                .ConfigureAwait(false);
            return string.Equals(output.GetString(), EmptyBytesArray, StringComparison.OrdinalIgnoreCase);
        }
        catch (JsonRpcException)
        {
            return false;
        }
    }

    internal static string Output(JsonRpcResult answer) =>
        answer.Error is { } error ? throw error : answer.Value.GetString() ?? "0x";
}
