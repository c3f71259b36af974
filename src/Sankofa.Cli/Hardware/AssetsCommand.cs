using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Core.Hardware;
using Sankofa.Ledger.Custody;
using Sankofa.Ledger.Resources;
using Sankofa.Server.Hardware;
using Sankofa.Server.Identity.Access;

namespace Sankofa.Cli.Hardware;

/// <summary>
/// <c>sankofa assets list|show|register|transfer|inspect|install|decommission</c> (docs/hardware.md). A party's command
/// computes what it signs from the chain itself (the asset's event count and custodian there) and signs with the
/// identity's own controller key, which never leaves this machine; only the signature goes to the server, which relays it.
/// </summary>
internal static class AssetsCommand
{
    private static readonly Option<FileInfo?> KeyFile = new("--key-file") { Description = "Your identity's controller key: a file (mode 0600) holding 0x and 64 hex digits." };
    private static readonly Option<Uri?> RpcUrl = UriOption.CreateNode("--rpc-url",
        "A node of the chain to read: an http(s) URL or an IPC socket's absolute path (default: the one the server names).");
    private static readonly Option<string?> Contract = new("--contract") { Description = "SankofaCustody's address (default: the one the server names)." };
    private static readonly Option<FileInfo?> Document = new("--document") { Description = "The event's document (packing list, photo, report, certificate): uploaded, its SHA-256 signed." };
    private static readonly Option<string?> DocumentHash = new("--document-hash") { Description = "The SHA-256 of a document uploaded already (0x and 64 hex digits), instead of --document." };
    private static readonly Option<string?> Party = new("--party") { Description = "Your identity's id, whose key signs (default: the identity signed in)." };

    public static Command Create()
    {
        var assets = new Command("assets", "Hardware assets and their custody on chain (docs/hardware.md).");
        assets.Subcommands.Add(ListCommand());
        assets.Subcommands.Add(ShowCommand());
        assets.Subcommands.Add(RegisterCommand());
        assets.Subcommands.Add(TransferCommand());
        assets.Subcommands.Add(InspectCommand());
        assets.Subcommands.Add(InstallCommand());
        assets.Subcommands.Add(DecommissionCommand());
        return assets;
    }

    private static Command ListCommand()
    {
        var after = new Option<long?>("--after") { Description = "The 'next' cursor of the previous page." };
        var limit = new Option<int?>("--limit") { Description = "At most this many (1–500, default 100)." };
        var list = new Command("list", "Hardware assets in registration order.") { after, limit };
        list.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var query = "api/v1/assets?" + string.Join('&', new[] { ("after", parse.GetValue(after)?.ToString(CultureInfo.InvariantCulture)), ("limit", parse.GetValue(limit)?.ToString(CultureInfo.InvariantCulture)) }
                .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={p.Item2}"));
            var page = await api.GetAsync<AssetPageResponse>(query, ct);
            Print(parse, page, string.Join('\n', page.Items.Select(a => $"{a.Id,-24} {a.Kind,-7} {a.Manufacturer} {a.Model} {a.Serial}  {(a.HostId ?? (a.ServerId is { } s ? "in " + s : ""))}")
                .Prepend($"{page.Items.Count} asset(s){(page.Next is { } n ? $", more after {n}" : "")}")));
            return 0;
        }));
        return list;
    }

    private static Command ShowCommand()
    {
        var id = new Argument<string>("id") { Description = "The asset's id." };
        var show = new Command("show", "One asset: who holds it, its custody timeline with each event's chain record, and any gap.") { id };
        show.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var d = await api.GetAsync<AssetDetailsResponse>($"api/v1/assets/{parse.GetValue(id)}", ct);
            Print(parse, d, Describe(d));
            return 0;
        }));
        return show;
    }

    private static Command RegisterCommand()
    {
        var id = new Argument<string>("id") { Description = "The asset's id." };
        var kind = new Option<string>("--kind") { Description = "server, cpu, memory, nic, disk, bmc or tpm.", Required = true };
        var manufacturer = new Option<string>("--manufacturer") { Description = "Who made it.", Required = true };
        var model = new Option<string>("--model") { Description = "Its model.", Required = true };
        var serial = new Option<string>("--serial") { Description = "Its serial number.", Required = true };
        var firmware = new Option<string[]>("--firmware") { Description = "A firmware version, component=version (repeat for each).", AllowMultipleArgumentsPerToken = false };
        var server = new Option<string?>("--server-id") { Description = "For a component: the server asset it belongs to." };
        var host = new Option<string?>("--host") { Description = "For a server: the catalog host it becomes (edge-001-h01)." };
        var register = new Command("register",
            "Add the asset and sign its registration as its supplier (your identity holds the supplier role): the asset's hash goes on chain, you hold it.")
        {
            id, kind, manufacturer, model, serial, firmware, server, host, Document, DocumentHash, KeyFile, Party, RpcUrl, Contract,
        };
        register.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var assetId = parse.GetValue(id)!;
            var versions = (parse.GetValue(firmware) ?? []).Select(f => f.Split('=', 2) is [var c, var v] ? new FirmwareRequest(c, v)
                : throw new ArgumentException($"--firmware '{f}' is not component=version.")).ToList();
            var request = new AssetRequest(assetId, parse.GetValue(kind), parse.GetValue(manufacturer), parse.GetValue(model), parse.GetValue(serial), versions,
                parse.GetValue(server), parse.GetValue(host));
            AssetResponse created;
            try
            {
                created = await api.PostJsonAsync<AssetResponse>("api/v1/assets", JsonSerializer.Serialize(request, SankofaApiClient.Json), ct);
            }
            catch (ApiProblemException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                // Added before (by an operator, or a run that stopped before signing): signed if it is the same asset.
                created = (await api.GetAsync<AssetDetailsResponse>($"api/v1/assets/{assetId}", ct)).Asset;
            }

            // What is signed is the hash recomputed here from what was typed, not the one the server answers.
            var asset = new Asset(assetId, HardwareNames.Kind(request.Kind) ?? throw new ArgumentException($"Unknown kind '{request.Kind}'."), request.Manufacturer!, request.Model!,
                request.Serial!, [.. versions.Select(v => new FirmwareVersion(v.Component!, v.Version!))], request.ServerId, request.HostId);
            if (created.Hash != Hex(asset.Hash()))
            {
                throw new InvalidOperationException($"The server stored asset {assetId} with hash {created.Hash}, not {Hex(asset.Hash())}: not signed.");
            }

            var me = parse.GetValue(Party) ?? (await api.GetAsync<CallerResponse>("api/v1/me", ct)).Id;
            var document = await DocumentAsync(parse, api, ct);
            var recorded = await SignAndSubmitAsync(parse, api, assetId, new CustodyRequest("registration", document, Party: me),
                (contract, chainId, _) => CustodyTypedData.Registration(contract, chainId, LedgerIds.Of(assetId), asset.Hash(), Bytes(document)), null, ct);
            Print(parse, recorded, $"asset {assetId} registered by {me} in transaction {recorded.Transaction} (block {recorded.Block})");
            return 0;
        }));
        return register;
    }

    private static Command TransferCommand()
    {
        var id = new Argument<string>("id") { Description = "The asset's id." };
        var to = new Option<string>("--to") { Description = "The receiving identity's id.", Required = true };
        var role = new Option<string>("--as") { Description = "sender (the custodian, default) or receiver: which side you sign." };
        var other = new Option<string?>("--signature") { Description = "The other side's signature (0x…); without it yours is printed for the other side." };
        var transfer = new Command("transfer",
            "Sign the asset's hand-over to --to: both the custodian and the receiver sign the same event; with the other side's --signature it is submitted.")
        {
            id, to, role, other, Document, DocumentHash, KeyFile, RpcUrl, Contract,
        };
        transfer.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var assetId = parse.GetValue(id)!;
            var receiver = parse.GetValue(to)!;
            var asSender = (parse.GetValue(role) ?? "sender") switch
            {
                "sender" => true,
                "receiver" => false,
                var r => throw new ArgumentException($"--as is sender or receiver, not '{r}'."),
            };
            var document = await DocumentAsync(parse, api, ct);
            var request = new CustodyRequest("transfer", document, To: receiver);
            var mine = await SignAsync(parse, api, assetId,
                (contract, chainId, onChain) => CustodyTypedData.Transfer(contract, chainId, LedgerIds.Of(assetId), onChain.Events, onChain.Custodian, LedgerIds.Of(receiver), Bytes(document)), ct);
            if (parse.GetValue(other) is not { } theirs)
            {
                Print(parse, new { signature = mine, documentHash = document }, $"""
                    your signature: {mine}
                    the {(asSender ? "receiver" : "sender")} signs the same event and submits both:
                      sankofa assets transfer {assetId} --to {receiver} --document-hash {document} --as {(asSender ? "receiver" : "sender")} --signature {mine} --key-file THEIR_KEY
                    """);
                return 0;
            }

            var body = request with { Signature = asSender ? mine : theirs, ReceiverSignature = asSender ? theirs : mine };
            var recorded = await api.PostJsonAsync<CustodyEventResponse>($"api/v1/assets/{assetId}/custody", JsonSerializer.Serialize(body, SankofaApiClient.Json), ct);
            Print(parse, recorded, $"asset {assetId} handed from {recorded.Party} to {recorded.To} in transaction {recorded.Transaction} (block {recorded.Block})");
            return 0;
        }));
        return transfer;
    }

    private static Command InspectCommand()
    {
        var id = new Argument<string>("id") { Description = "The asset's id." };
        var passed = new Option<bool>("--passed") { Description = "The inspection passed (firmware as measured, tamper seal intact)." };
        var failed = new Option<bool>("--failed") { Description = "The inspection failed: the asset's custody has a gap until one passes." };
        var inspect = new Command("inspect", "Sign an inspection or attestation as an inspector (your identity holds the inspector role).")
        {
            id, passed, failed, Document, DocumentHash, KeyFile, Party, RpcUrl, Contract,
        };
        inspect.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var assetId = parse.GetValue(id)!;
            if (parse.GetValue(passed) == parse.GetValue(failed))
            {
                throw new ArgumentException("Say --passed or --failed.");
            }

            var ok = parse.GetValue(passed);
            var me = parse.GetValue(Party) ?? (await api.GetAsync<CallerResponse>("api/v1/me", ct)).Id;
            var document = await DocumentAsync(parse, api, ct);
            var recorded = await SignAndSubmitAsync(parse, api, assetId, new CustodyRequest("inspection", document, Party: me, Passed: ok),
                (contract, chainId, onChain) => CustodyTypedData.Inspection(contract, chainId, LedgerIds.Of(assetId), onChain!.Events, ok, Bytes(document)), null, ct);
            Print(parse, recorded, $"asset {assetId} inspection {(ok ? "passed" : "FAILED")} recorded in transaction {recorded.Transaction} (block {recorded.Block})");
            return 0;
        }));
        return inspect;
    }

    private static Command InstallCommand()
    {
        var id = new Argument<string>("id") { Description = "The asset's id." };
        var host = new Option<string>("--host") { Description = "The catalog host it is installed in (edge-001-h01).", Required = true };
        var install = new Command("install", "Sign the asset's installation at a host as its custodian.") { id, host, Document, DocumentHash, KeyFile, RpcUrl, Contract };
        install.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var assetId = parse.GetValue(id)!;
            var hostId = parse.GetValue(host)!;
            var site = Core.Topology.SiteCatalog.Default.Sites.FirstOrDefault(s => s.Hosts.Any(h => h.Id == hostId))?.Id
                ?? throw new ArgumentException($"--host {hostId} is no host of the catalog.");
            var document = await DocumentAsync(parse, api, ct);
            var recorded = await SignAndSubmitAsync(parse, api, assetId, new CustodyRequest("installation", document, SiteId: site, HostId: hostId),
                (contract, chainId, onChain) => CustodyTypedData.Installation(contract, chainId, LedgerIds.Of(assetId), onChain!.Events, LedgerIds.Of(site), LedgerIds.Of(hostId), Bytes(document)),
                null, ct);
            Print(parse, recorded, $"asset {assetId} installed at {site}/{hostId} in transaction {recorded.Transaction} (block {recorded.Block})");
            return 0;
        }));
        return install;
    }

    private static Command DecommissionCommand()
    {
        var id = new Argument<string>("id") { Description = "The asset's id." };
        var decommission = new Command("decommission", "Sign the asset's decommissioning as its custodian, with its media-destruction certificate (--document).")
        {
            id, Document, DocumentHash, KeyFile, RpcUrl, Contract,
        };
        decommission.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var assetId = parse.GetValue(id)!;
            var document = await DocumentAsync(parse, api, ct);
            var recorded = await SignAndSubmitAsync(parse, api, assetId, new CustodyRequest("decommission", document),
                (contract, chainId, onChain) => CustodyTypedData.Decommission(contract, chainId, LedgerIds.Of(assetId), onChain!.Events, Bytes(document)), null, ct);
            Print(parse, recorded, $"asset {assetId} decommissioned in transaction {recorded.Transaction} (block {recorded.Block})");
            return 0;
        }));
        return decommission;
    }

    private static async Task<CustodyEventResponse> SignAndSubmitAsync(
        ParseResult parse, SankofaApiClient api, string assetId, CustodyRequest request, Func<string, long, OnChainAsset, byte[]> digest, string? receiverSignature,
        CancellationToken ct)
    {
        var signature = await SignAsync(parse, api, assetId, digest, ct);
        var body = request with { Signature = signature, ReceiverSignature = receiverSignature };
        return await api.PostJsonAsync<CustodyEventResponse>($"api/v1/assets/{assetId}/custody", JsonSerializer.Serialize(body, SankofaApiClient.Json), ct);
    }

    // What is signed comes from the chain, not the server: the asset's event count and custodian there, under the chain's own id.
    private static async Task<string> SignAsync(ParseResult parse, SankofaApiClient api, string assetId, Func<string, long, OnChainAsset, byte[]> digest, CancellationToken ct)
    {
        var key = await KeyFiles.ReadAsync(parse.GetValue(KeyFile), "--key-file is required: your identity's controller key signs this.");
        var (rpcUrl, contract) = (parse.GetValue(RpcUrl), parse.GetValue(Contract));
        if (rpcUrl is null || contract is null)
        {
            var ledger = await api.GetLedgerAsync(ct);
            rpcUrl ??= new Uri(ledger.RpcUrl);
            contract ??= ledger.CustodyAddress ?? throw new InvalidOperationException("The server names no SankofaCustody contract; pass --contract.");
        }

        using var custody = new CustodyReader(rpcUrl, contract);
        var onChain = await custody.GetAssetAsync(assetId, ct) ?? new OnChainAsset(new byte[32], new byte[32], new byte[32], new byte[32], 0, 0, false);
        var chainId = await custody.GetChainIdAsync(ct);
        return Hex(CustodyTypedData.Sign(key, digest(contract, chainId, onChain)));
    }

    private static async Task<string> DocumentAsync(ParseResult parse, SankofaApiClient api, CancellationToken ct)
    {
        if (parse.GetValue(Document) is { } file)
        {
            var bytes = await File.ReadAllBytesAsync(file.FullName, ct);
            var uploaded = await api.PostBytesAsync<DocumentResponse>("api/v1/assets/documents", bytes, "application/octet-stream", ct);
            var hash = Hex(SHA256.HashData(bytes));
            return uploaded.Hash == hash ? hash : throw new InvalidOperationException($"The server stored {file.Name} as {uploaded.Hash}, not {hash}.");
        }

        return parse.GetValue(DocumentHash) is { Length: 66 } given && given.StartsWith("0x", StringComparison.Ordinal)
            ? given.ToLowerInvariant()
            : throw new ArgumentException("--document FILE (or --document-hash 0x… of one uploaded already) is required: every custody event carries its document's hash.");
    }

    internal static string Describe(AssetDetailsResponse d)
    {
        var a = d.Asset;
        var lines = new List<string>
        {
            $"{a.Id}  {a.Kind}  {a.Manufacturer} {a.Model}  serial {a.Serial}",
            $"  {(a.HostId is { } h ? "becomes host " + h : "component of " + a.ServerId)}; firmware {(a.Firmware.Count == 0 ? "-" : string.Join(", ", a.Firmware.Select(f => $"{f.Component} {f.Version}")))}",
            $"  hash {a.Hash}",
            $"  held by {d.Custodian ?? "nobody yet (not registered)"}",
        };
        lines.AddRange(d.Events.Select(Event));
        lines.AddRange(d.Gaps.Count == 0 ? ["  custody whole"] : d.Gaps.Select(g => $"  GAP {g.Kind}: {g.Reason}"));
        return string.Join('\n', lines);
    }

    internal static string Event(CustodyEventResponse e) => string.Create(CultureInfo.InvariantCulture,
        $"  #{e.Sequence} {e.Kind,-12} by {e.Party}{(e.To is { } t ? " to " + t : "")}{(e.Passed is { } p ? (p ? " passed" : " FAILED") : "")}{(e.HostId is { } h ? $" at {e.SiteId}/{h}" : "")}  doc {e.DocumentHash[..10]}…  tx {e.Transaction[..10]}… block {e.Block}");

    private static byte[] Bytes(string hex) => Convert.FromHexString(hex[2..]);

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    private static void Print(ParseResult parse, object value, string text) =>
        parse.InvocationConfiguration.Output.WriteLine(parse.GetValue(SankofaCommand.Output) == OutputFormat.Json ? JsonSerializer.Serialize(value, SankofaApiClient.Json) : text);

    /// <summary>
    /// Runs a hardware command against the server: a refusal prints the server's problem (exit 1 when not found, else
    /// 2), an unreachable server, chain or bad input exit 2, each line led by <paramref name="prefix"/>.
    /// </summary>
    internal static async Task<int> RunAsync(ParseResult parse, Func<SankofaApiClient, Task<int>> action, string prefix = "assets")
    {
        try
        {
            using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
            return await action(api);
        }
        catch (ApiProblemException ex)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync(prefix + ": " + ex.Message);
            return ex.StatusCode == System.Net.HttpStatusCode.NotFound ? 1 : 2;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or ArgumentException or InvalidOperationException or FormatException
                                   or Core.Ledger.LedgerUnavailableException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync(prefix + ": " + ex.Message);
            return 2;
        }
    }
}
