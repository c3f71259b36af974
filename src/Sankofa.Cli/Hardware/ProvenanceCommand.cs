using System.CommandLine;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Core.Hardware;
using Sankofa.Ledger.Custody;
using Sankofa.Server.Hardware;

namespace Sankofa.Cli.Hardware;

/// <summary>
/// <c>sankofa vm provenance ID [--verify]</c>: the hardware a VM runs on — host → server → components → custody events,
/// each with its chain record. <c>--verify</c> checks every asset and event the server shows against SankofaCustody on the
/// chain (asset hashes recomputed here, each event's parties, document, site, host and block, the chain holding no
/// other events) and applies the custody rules to what the chain holds; exit 0 only when all holds.
/// </summary>
internal static class ProvenanceCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "The VM's resource id." };
        var verify = new Option<bool>("--verify") { Description = "Check it against the chain alone; exit 3 when anything differs or the custody has a gap." };
        var rpcUrl = UriOption.CreateNode("--rpc-url", "A node of the chain to read (default: the one the server names).");
        var contract = new Option<string?>("--contract") { Description = "SankofaCustody's address (default: the one the server names)." };
        var command = new Command("provenance", "The provenance of the hardware the VM runs on: host, server, components and their custody events with chain records.")
        {
            id, verify, rpcUrl, contract,
        };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
                var provenance = await api.GetAsync<ProvenanceResponse>($"api/v1/resources/{parse.GetValue(id)}/provenance", ct);
                IReadOnlyList<string>? problems = null;
                if (parse.GetValue(verify))
                {
                    var (node, address) = (parse.GetValue(rpcUrl), parse.GetValue(contract));
                    if (node is null || address is null)
                    {
                        var ledger = await api.GetLedgerAsync(ct);
                        node ??= new Uri(ledger.RpcUrl);
                        address ??= ledger.CustodyAddress ?? throw new InvalidOperationException("The server names no SankofaCustody contract; pass --contract.");
                    }

                    using var chain = new CustodyReader(node, address);
                    problems = await VerifyAsync(provenance, chain, ct);
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
            }
            catch (ApiProblemException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("sankofa vm provenance: " + ex.Message);
                return ex.StatusCode == System.Net.HttpStatusCode.NotFound ? 1 : 2;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or ArgumentException or InvalidOperationException or FormatException
                                       or Core.Ledger.LedgerUnavailableException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("sankofa vm provenance: " + ex.Message);
                return 2;
            }
        });
        return command;
    }

    /// <summary>What differs between the provenance the server shows and the chain, and the custody gaps in what the chain holds; empty when verified.</summary>
    internal static async Task<IReadOnlyList<string>> VerifyAsync(ProvenanceResponse provenance, CustodyReader chain, CancellationToken ct)
    {
        var problems = new List<string>();
        var hardware = new List<AssetCustody>();
        foreach (var item in provenance.Components.Prepend(provenance.Server).OfType<ProvenanceAssetResponse>())
        {
            var a = item.Asset;
            var asset = new Asset(a.Id, HardwareNames.Kind(a.Kind) ?? throw new FormatException($"Unknown kind '{a.Kind}'."), a.Manufacturer, a.Model, a.Serial,
                [.. a.Firmware.Select(f => new FirmwareVersion(f.Component ?? "", f.Version ?? ""))], a.ServerId, a.HostId);
            var onChain = await chain.GetAssetAsync(a.Id, ct);
            if (onChain is null)
            {
                problems.Add($"asset {a.Id} is not registered on chain");
                continue;
            }

            if (!onChain.AssetHash.AsSpan().SequenceEqual(asset.Hash()))
            {
                problems.Add($"asset {a.Id}: the chain registered another hash than its fields give (serial, model or firmware differ)");
            }

            var chainEvents = await chain.GetEventsAsync(a.Id, ct);
            if (chainEvents.Count != item.Events.Count)
            {
                problems.Add($"asset {a.Id}: the chain holds {chainEvents.Count} custody event(s), the server shows {item.Events.Count}");
            }

            var events = new List<CustodyEvent>();
            foreach (var e in item.Events)
            {
                var stored = new CustodyEvent(a.Id, e.Sequence, HardwareNames.EventKind(e.Kind) ?? throw new FormatException($"Unknown event kind '{e.Kind}'."), e.Party, e.To,
                    Convert.FromHexString(e.DocumentHash[2..]), e.Passed, e.SiteId, e.HostId, e.RecordedAt, new ChainRecord(e.Transaction, e.Block));
                if (e.Sequence < 0 || e.Sequence >= chainEvents.Count)
                {
                    problems.Add($"event #{e.Sequence} of {a.Id} is not on chain");
                    continue;
                }

                problems.AddRange(chainEvents[(int)e.Sequence].Differences(stored));
                if (await chain.TransactionBlockAsync(e.Transaction, ct) != e.Block)
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
