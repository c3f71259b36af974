using System.CommandLine;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Core.Hardware;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Custody;
using Sankofa.Ledger.Resources;
using Sankofa.Server.Hardware;

namespace Sankofa.Cli.Hardware;

/// <summary>
/// <c>sankofa vm provenance ID [--verify]</c>: the hardware a VM runs on — host → server → components → custody events,
/// each with its chain record. <c>--verify</c> first reads where the VM runs from the chain's ResourceRegistry (its site
/// and host as recorded at placement) and refuses a host or site the server names otherwise; then checks every asset and
/// event the server shows against SankofaCustody (asset hashes recomputed here, each event's parties, document, site,
/// host and block, the chain holding no other events) and applies the custody rules to what the chain holds; exit 0
/// only when all holds. The chain is read in JSON-RPC batches, not one request per asset or event.
/// </summary>
internal static class ProvenanceCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "The VM's resource id." };
        var verify = new Option<bool>("--verify") { Description = "Check it against the chain alone; exit 3 when anything differs or the custody has a gap." };
        var rpcUrl = UriOption.CreateNode("--rpc-url", "A node of the chain to read (default: the one the server names).");
        var contract = new Option<string?>("--contract") { Description = "SankofaCustody's address (default: the one the server names)." };
        var registry = new Option<string?>("--registry") { Description = "ResourceRegistry's address, where the VM's host is read (default: the one the server names)." };
        var command = new Command("provenance", "The provenance of the hardware the VM runs on: host, server, components and their custody events with chain records.")
        {
            id, verify, rpcUrl, contract, registry,
        };
        command.SetAction((parse, ct) => AssetsCommand.RunAsync(parse, async api =>
            {
                var provenance = await api.GetAsync<ProvenanceResponse>($"api/v1/resources/{parse.GetValue(id)}/provenance", ct);
                IReadOnlyList<string>? problems = null;
                if (parse.GetValue(verify))
                {
                    var (node, address, registryAddress) = (parse.GetValue(rpcUrl), parse.GetValue(contract), parse.GetValue(registry));
                    if (node is null || address is null || registryAddress is null)
                    {
                        var ledger = await api.GetLedgerAsync(ct);
                        node ??= new Uri(ledger.RpcUrl);
                        address ??= ledger.CustodyAddress ?? throw new InvalidOperationException("The server names no SankofaCustody contract; pass --contract.");
                        registryAddress ??= ledger.ResourceRegistryAddress;
                    }

                    using var chain = new CustodyReader(node, address);
                    using var resources = new ResourceRegistryReader(node, registryAddress);
                    var placement = await resources.GetAsync(provenance.ResourceId, ct);
                    problems = [.. PlacementProblems(provenance, placement), .. await VerifyAsync(provenance, chain, ct)];
                }

                if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
                {
                    parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(new { provenance, verified = problems?.Count == 0, problems }, SankofaApiClient.Json));
                }
                else
                {
                    parse.InvocationConfiguration.Output.WriteLine(Describe(provenance));
                    if (problems is not null)
                    {
                        parse.InvocationConfiguration.Output.WriteLine(problems.Count == 0
                            ? "verified against the chain: every asset and custody event as shown, and the custody is whole"
                            : "NOT verified against the chain:\n  " + string.Join("\n  ", problems));
                    }
                }

                return problems is { Count: > 0 } ? 3 : 0;
            }, "sankofa vm provenance"));
        return command;
    }

    /// <summary>
    /// Whether the chain's ResourceRegistry places the VM where the server says: the record's site and host are
    /// keccak-256 of their ids (as every id on chain), so the names the server shows are checked against them. The
    /// custody rules then run for that host, whose name is now the chain's.
    /// </summary>
    internal static IReadOnlyList<string> PlacementProblems(ProvenanceResponse provenance, OnChainResource? onChain)
    {
        if (onChain is null)
        {
            return [$"the chain's ResourceRegistry holds no record of {provenance.ResourceId} (it is recorded once placed)"];
        }

        var problems = new List<string>();
        if (!onChain.Host.AsSpan().SequenceEqual(LedgerIds.Of(provenance.HostId)))
        {
            problems.Add($"the chain's ResourceRegistry places {provenance.ResourceId} on host {Hex(onChain.Host)}, not on {provenance.HostId} "
                         + $"(keccak256 {Hex(LedgerIds.Of(provenance.HostId))}) as the server says");
        }

        if (!onChain.Site.AsSpan().SequenceEqual(LedgerIds.Of(provenance.SiteId)))
        {
            problems.Add($"the chain's ResourceRegistry places {provenance.ResourceId} at site {Hex(onChain.Site)}, not at {provenance.SiteId} as the server says");
        }

        return problems;
    }

    /// <summary>What differs between the provenance the server shows and the chain, and the custody gaps in what the chain holds; empty when verified.</summary>
    internal static async Task<IReadOnlyList<string>> VerifyAsync(ProvenanceResponse provenance, CustodyReader chain, CancellationToken ct)
    {
        var problems = new List<string>();
        var hardware = new List<AssetCustody>();
        var items = provenance.Components.Prepend(provenance.Server).OfType<ProvenanceAssetResponse>().ToList();
        // Every asset and its events in one batch, every event's receipt in a few: a host of 20 components x 30 events is
        // a handful of round trips, not 650.
        var custodies = await chain.GetCustodiesAsync([.. items.Select(i => i.Asset.Id)], ct);
        var blocks = await chain.TransactionBlocksAsync([.. items.SelectMany(i => i.Events.Select(e => e.Transaction))], ct);
        var receipt = 0;
        foreach (var (item, (onChain, chainEvents)) in items.Zip(custodies))
        {
            var a = item.Asset;
            var asset = new Asset(a.Id, HardwareNames.Kind(a.Kind) ?? throw new FormatException($"Unknown kind '{a.Kind}'."), a.Manufacturer, a.Model, a.Serial,
                [.. a.Firmware.Select(f => new FirmwareVersion(f.Component ?? "", f.Version ?? ""))], a.ServerId, a.HostId);
            var firstReceipt = receipt;
            receipt += item.Events.Count;
            if (onChain is null)
            {
                problems.Add($"asset {a.Id} is not registered on chain");
                continue;
            }

            if (!onChain.AssetHash.AsSpan().SequenceEqual(asset.Hash()))
            {
                problems.Add($"asset {a.Id}: the chain registered another hash than its fields give (serial, model or firmware differ)");
            }

            if (chainEvents.Count != item.Events.Count)
            {
                problems.Add($"asset {a.Id}: the chain holds {chainEvents.Count} custody event(s), the server shows {item.Events.Count}");
            }

            var events = new List<CustodyEvent>();
            foreach (var (e, index) in item.Events.Select((e, index) => (e, index)))
            {
                var stored = new CustodyEvent(a.Id, e.Sequence, HardwareNames.EventKind(e.Kind) ?? throw new FormatException($"Unknown event kind '{e.Kind}'."), e.Party, e.To,
                    Convert.FromHexString(e.DocumentHash[2..]), e.Passed, e.SiteId, e.HostId, e.RecordedAt, new ChainRecord(e.Transaction, e.Block));
                if (e.Sequence < 0 || e.Sequence >= chainEvents.Count)
                {
                    problems.Add($"event #{e.Sequence} of {a.Id} is not on chain");
                    continue;
                }

                problems.AddRange(chainEvents[(int)e.Sequence].Differences(stored));
                if (blocks[firstReceipt + index] != e.Block)
                {
                    problems.Add($"event #{e.Sequence} of {a.Id}: transaction {e.Transaction} is not in block {e.Block}");
                }

                events.Add(stored);
            }

            hardware.Add(new AssetCustody(asset, events));
        }

        problems.AddRange(CustodyRules.CheckHost(provenance.HostId, hardware).Select(g => "custody gap: " + g.Reason));
        return problems;
    }

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    private static string Describe(ProvenanceResponse p)
    {
        var lines = new List<string> { $"{p.ResourceId} runs on host {p.HostId} at site {p.SiteId}: hardware custody {(p.Verified ? "verified" : "NOT verified")}" };
        foreach (var item in p.Components.Prepend(p.Server).OfType<ProvenanceAssetResponse>())
        {
            var a = item.Asset;
            lines.Add($"{(a.Kind == "server" ? "server" : "  component")} {a.Id} ({a.Kind}, {a.Manufacturer} {a.Model}, serial {a.Serial}) hash {a.Hash}");
            lines.AddRange(item.Events.Select(e => (a.Kind == "server" ? "" : "  ") + AssetsCommand.Event(e)));
        }

        lines.AddRange(p.Gaps.Select(g => $"GAP {g.Kind}: {g.Reason}"));
        return string.Join('\n', lines);
    }
}
