using System.Globalization;
using System.Text;
using Nethereum.Contracts;
using Sankofa.Core.Ledger;
using Sankofa.Core.Residency;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Residency;

/// <summary>
/// Reads resources' placements and jurisdictions from ResourceRegistry: <c>resourceOf</c> and <c>jurisdictionOf</c> for
/// every resource, all at one block, in JSON-RPC batches.
/// </summary>
internal sealed class ResidencyLedger(LedgerRuntime runtime) : IResidencyLedger
{
    // Two eth_calls per resource; a batch of 1,000 calls stays well within what nodes accept.
    private const int ResourcesPerBatch = 500;

    public async Task<ResidencyChainRead> ReadAsync(IReadOnlyList<ResidencyClaim> claims, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var connection = runtime.Connection;
        var block = Hex.ToLong(await connection.Rpc.CallAsync("eth_blockNumber", cancellationToken).ConfigureAwait(false));
        var at = "0x" + block.ToString("x", CultureInfo.InvariantCulture);
        var records = new List<ResidencyRecord>(claims.Count);
        foreach (var chunk in claims.Chunk(ResourcesPerBatch))
        {
            var calls = new List<JsonRpcCall>(chunk.Length * 2);
            foreach (var claim in chunk)
            {
                var id = LedgerIds.Of(claim.ResourceId);
                calls.Add(new JsonRpcCall("eth_call", new { to = connection.ResourceRegistryAddress, data = Hex.Bytes(new ResourceOfFunction { ResourceId = id }.GetCallData()) }, at));
                calls.Add(new JsonRpcCall("eth_call", new { to = connection.ResourceRegistryAddress, data = Hex.Bytes(new JurisdictionOfFunction { ResourceId = id }.GetCallData()) }, at));
            }

            var answers = await connection.Rpc.BatchAsync(calls, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < chunk.Length; i++)
            {
                records.Add(Record(chunk[i], answers[2 * i], answers[(2 * i) + 1]));
            }
        }

        return new ResidencyChainRead(connection.ChainId, connection.ResourceRegistryAddress, block, records);
    }

    private static ResidencyRecord Record(ResidencyClaim claim, JsonRpcResult resourceOf, JsonRpcResult jurisdictionOf)
    {
        var key = Hex.Bytes(LedgerIds.Of(claim.ResourceId));
        var r = new ResourceOfOutput().DecodeOutput(ResourceRegistryCalls.Output(resourceOf)).Resource;
        // A registry that predates jurisdictions reverts jurisdictionOf: no jurisdiction on chain, as for an old placement.
        var word = jurisdictionOf.Error is null ? Hex.ToBytes(ResourceRegistryCalls.Output(jurisdictionOf)) : [];
        var jurisdiction = word is { Length: 32 } && word[0] != 0 ? Encoding.ASCII.GetString(word, 0, 2) : null;
        if (r.State == 0)
        {
            return new ResidencyRecord(key, null, null, false, false, jurisdiction, null);
        }

        var placed = r.Site.AsSpan().ContainsAnyExcept((byte)0);
        return new ResidencyRecord(
            key, (OnChainResourceState)r.State, placed ? Hex.Bytes(r.Site) : null,
            placed && r.Site.AsSpan().SequenceEqual(LedgerIds.Of(claim.SiteId)),
            placed && r.Host.AsSpan().SequenceEqual(LedgerIds.Of(claim.HostId)),
            jurisdiction, (long)r.UpdatedBlock);
    }
}
