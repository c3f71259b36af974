using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Hardware;

/// <summary>
/// Hardware assets and their custody for REST, CLI and portal alike (docs/hardware.md). Anyone with assets.read reads
/// them; assets.write registers assets, stores documents, and relays custody events the parties signed with their own
/// keys — the control plane holds none of them: it checks each signature is the named party's, the chain checks it
/// again and refuses what is not, and only what the chain accepted is stored, with its chain record.
/// </summary>
public sealed partial class HardwareService(IAssetStore store, ICustodyLedger ledger, SiteCatalog catalog, TimeProvider time) : Provisioning.IHostVerification
{
    private readonly HostCustodyVerdicts _verdicts = new(store);

    /// <summary>The longest page.</summary>
    public const int MaxPage = 500;

    /// <summary>The largest document accepted, in bytes.</summary>
    public const int MaxDocumentBytes = 16 * 1024 * 1024;

    private readonly Lazy<Dictionary<string, string>> _hostSites = new(() =>
        catalog.Sites.SelectMany(s => s.Hosts.Select(h => (h.Id, Site: s.Id))).ToDictionary(x => x.Id, x => x.Site, StringComparer.Ordinal));

    /// <summary>Assets in store order, a page at a time.</summary>
    public async Task<Result<AssetPage>> ListAsync(Caller caller, long? after, int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Can(Permission.AssetsRead, null))
        {
            return AccessErrors.Forbidden(Permission.AssetsRead);
        }

        var errors = new Dictionary<string, string[]>();
        if (after is < 0)
        {
            errors["after"] = ["Must be a cursor (the 'next' value of the previous page)."];
        }

        if (limit is < 1 or > MaxPage)
        {
            errors["limit"] = [$"Must be from 1 to {MaxPage}."];
        }

        return errors.Count > 0
            ? Error.Invalid(errors)
            : Result<AssetPage>.Ok(await store.ListAsync(after, limit ?? 100, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One asset with its custody timeline and gaps.</summary>
    public async Task<Result<AssetDetails>> GetAsync(Caller caller, string assetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Can(Permission.AssetsRead, null))
        {
            return AccessErrors.Forbidden(Permission.AssetsRead);
        }

        return await DetailsAsync(assetId, cancellationToken).ConfigureAwait(false) is { } details
            ? Result<AssetDetails>.Ok(details)
            : Error.NotFound("id", $"There is no asset '{assetId}'.");
    }

    /// <summary>Adds an asset; its custody starts when its supplier's signed registration is submitted.</summary>
    public async Task<Result<StoredAsset>> CreateAsync(Caller caller, string actor, AssetRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!caller.Can(Permission.AssetsWrite, null))
        {
            return AccessErrors.Forbidden(Permission.AssetsWrite);
        }

        var errors = new Dictionary<string, string[]>();
        Require(errors, "id", request.Id, IsId(request.Id) ? null : "Lowercase letters, digits, '.', '_' and '-', up to 128, starting with a letter or digit.");
        var kind = HardwareNames.Kind(request.Kind);
        Require(errors, "kind", request.Kind, kind is null ? $"One of: {string.Join(", ", Enum.GetValues<AssetKind>().Select(HardwareNames.Name))}." : null);
        Require(errors, "manufacturer", request.Manufacturer, Text(request.Manufacturer));
        Require(errors, "model", request.Model, Text(request.Model));
        Require(errors, "serial", request.Serial, Text(request.Serial));
        var firmware = new List<FirmwareVersion>();
        foreach (var (f, i) in (request.Firmware ?? []).Select((f, i) => (f, i)))
        {
            if (f is null || Text(f.Component) is not null)
            {
                errors[$"firmware[{i}].component"] = ["Required: 1 to 200 characters."];
            }
            else if (Text(f.Version) is not null)
            {
                errors[$"firmware[{i}].version"] = ["Required: 1 to 200 characters."];
            }
            else
            {
                firmware.Add(new FirmwareVersion(f.Component!, f.Version!));
            }
        }

        if (kind == AssetKind.Server)
        {
            if (request.ServerId is not null)
            {
                errors["serverId"] = ["A server belongs to no server."];
            }

            if (request.HostId is null || !_hostSites.Value.ContainsKey(request.HostId))
            {
                errors["hostId"] = [$"Required for a server: a host of the catalog ('{request.HostId}' is none)."];
            }
        }
        else if (kind is not null)
        {
            if (request.HostId is not null)
            {
                errors["hostId"] = ["Only a server becomes a host; a component names its server."];
            }

            if (request.ServerId is null)
            {
                errors["serverId"] = ["Required for a component: the server it belongs to."];
            }
            else if ((await store.GetAsync(request.ServerId, cancellationToken).ConfigureAwait(false))?.Asset.Kind != AssetKind.Server)
            {
                errors["serverId"] = [$"There is no server asset '{request.ServerId}'."];
            }
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var asset = new Asset(request.Id!, kind!.Value, request.Manufacturer!, request.Model!, request.Serial!, firmware, request.ServerId, request.HostId);
        try
        {
            return Result<StoredAsset>.Ok(await store.AddAsync(asset, time.GetUtcNow(), new AuditEvent(actor, "hardware.asset.created", $"asset:{asset.Id}",
                JsonSerializer.Serialize(new { id = asset.Id, kind = HardwareNames.Name(asset.Kind), hash = Hex(asset.Hash()), serverId = asset.ServerId, hostId = asset.HostId })),
                cancellationToken).ConfigureAwait(false));
        }
        catch (StoreConflictException)
        {
            return Error.Conflict("id", $"Asset '{asset.Id}' exists.");
        }
    }

    /// <summary>Stores a custody document by its SHA-256, which it returns.</summary>
    public async Task<Result<byte[]>> PutDocumentAsync(Caller caller, string? contentType, byte[] content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(content);
        if (!caller.Can(Permission.AssetsWrite, null))
        {
            return AccessErrors.Forbidden(Permission.AssetsWrite);
        }

        if (content.Length is 0 or > MaxDocumentBytes)
        {
            return Error.Invalid(new Dictionary<string, string[]> { ["body"] = [$"A document of 1 byte to {MaxDocumentBytes} bytes."] });
        }

        var hash = SHA256.HashData(content);
        await store.PutDocumentAsync(new CustodyDocument(hash, string.IsNullOrWhiteSpace(contentType) ? "application/octet-stream" : contentType, content), cancellationToken)
            .ConfigureAwait(false);
        return Result<byte[]>.Ok(hash);
    }

    /// <summary>A custody document by its SHA-256 (0x and 64 hex digits).</summary>
    public async Task<Result<CustodyDocument>> GetDocumentAsync(Caller caller, string hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Can(Permission.AssetsRead, null))
        {
            return AccessErrors.Forbidden(Permission.AssetsRead);
        }

        if (Word(hash) is not { } bytes)
        {
            return Error.Invalid(new Dictionary<string, string[]> { ["hash"] = ["0x and 64 hex digits."] });
        }

        return await store.GetDocumentAsync(bytes, cancellationToken).ConfigureAwait(false) is { } document
            ? Result<CustodyDocument>.Ok(document)
            : Error.NotFound("hash", $"No document with hash {hash}.");
    }

    /// <summary>The EIP-712 digest the parties sign for this event as the asset's next (read from the chain).</summary>
    public async Task<Result<byte[]>> DigestAsync(Caller caller, string assetId, CustodyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Can(Permission.AssetsRead, null))
        {
            return AccessErrors.Forbidden(Permission.AssetsRead);
        }

        var parsed = await ParseAsync(assetId, request, signed: false, cancellationToken).ConfigureAwait(false);
        return parsed.Error is { } error ? error : Result<byte[]>.Ok(await ledger.DigestAsync(parsed.Value!.Action, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Relays a custody event its parties signed: each signature must be the named party's controller key's (else 400),
    /// the chain must accept it (else 409 with the contract's reason); then it is stored with its chain record.
    /// </summary>
    public async Task<Result<CustodyEvent>> SubmitAsync(Caller caller, string actor, string assetId, CustodyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Can(Permission.AssetsWrite, null))
        {
            return AccessErrors.Forbidden(Permission.AssetsWrite);
        }

        var parsed = await ParseAsync(assetId, request, signed: true, cancellationToken).ConfigureAwait(false);
        if (parsed.Error is { } error)
        {
            return error;
        }

        var (action, signer, signatures, fields) = parsed.Value!;
        var digest = await ledger.DigestAsync(action, cancellationToken).ConfigureAwait(false);
        var expected = action.Kind == CustodyEventKind.Transfer ? new[] { signer, action.To! } : [signer];
        for (var i = 0; i < signatures.Count; i++)
        {
            if (!await ledger.SignedByAsync(digest, signatures[i], expected[i], cancellationToken).ConfigureAwait(false))
            {
                return Error.Invalid(new Dictionary<string, string[]>
                {
                    [fields[i]] = [$"Not a signature of identity '{expected[i]}''s controller key over this event's digest (as the asset's next event)."],
                });
            }
        }

        LedgerReceipt receipt;
        long sequence;
        try
        {
            (receipt, sequence) = await ledger.RecordAsync(action, signatures, cancellationToken).ConfigureAwait(false);
        }
        catch (CustodyRefusedException ex)
        {
            return Error.Conflict(fields[0], ex.Message);
        }

        var recorded = new CustodyEvent(assetId, sequence, action.Kind, signer, action.To, action.DocumentHash, action.Passed, action.SiteId, action.HostId,
            time.GetUtcNow(), new ChainRecord(receipt.TransactionHash, receipt.BlockNumber));
        try
        {
            await store.AddEventAsync(recorded, new AuditEvent(actor, $"hardware.custody.{HardwareNames.Name(action.Kind)}", $"asset:{assetId}", JsonSerializer.Serialize(new
            {
                sequence, party = signer, to = action.To, documentHash = Hex(action.DocumentHash), passed = action.Passed, siteId = action.SiteId, hostId = action.HostId,
                transaction = receipt.TransactionHash, block = receipt.BlockNumber,
            })), cancellationToken).ConfigureAwait(false);
        }
        catch (StoreConflictException)
        {
            return Error.Conflict("kind", $"Event #{sequence} of asset '{assetId}' was stored meanwhile; read the asset and try again.");
        }

        return Result<CustodyEvent>.Ok(recorded);
    }

    /// <summary>
    /// The custody gaps of each host named: empty for a verified host, <see cref="CustodyGapKind.NoHardware"/> for a host
    /// no server asset becomes. Verdicts are kept between calls and recomputed only after custody changed
    /// (<see cref="HostCustodyVerdicts"/>).
    /// </summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<CustodyGap>>> HostGapsAsync(IReadOnlyCollection<string> hostIds, CancellationToken cancellationToken) =>
        _verdicts.GapsAsync(hostIds, cancellationToken);

    /// <summary>How many times host verdicts were recomputed from the store since start (they are reused while custody stands still).</summary>
    public long HostVerdictRecomputations => _verdicts.Recomputations;

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, string>> UnverifiedHostsAsync(IReadOnlyCollection<string> hostIds, CancellationToken cancellationToken) =>
        (await HostGapsAsync(hostIds, cancellationToken).ConfigureAwait(false)).Where(g => g.Value.Count > 0)
            .ToDictionary(g => g.Key, g => string.Join(" ", g.Value.Select(v => v.Reason)), StringComparer.Ordinal);

    internal async Task<AssetDetails?> DetailsAsync(string assetId, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(assetId, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return null;
        }

        var events = await store.EventsAsync(assetId, cancellationToken).ConfigureAwait(false);
        return new AssetDetails(stored, events, CustodianAfter(events), CustodyRules.Check(new AssetCustody(stored.Asset, events), stored.Asset.HostId));
    }

    /// <summary>Who holds the asset after these events: the supplier, then each transfer's receiver.</summary>
    public static string? CustodianAfter(IReadOnlyList<CustodyEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        string? custodian = null;
        foreach (var e in events)
        {
            custodian = e.Kind switch
            {
                CustodyEventKind.Registration => e.Actor,
                CustodyEventKind.Transfer => e.Counterparty,
                _ => custodian,
            };
        }

        return custodian;
    }

    private async Task<Result<ParsedCustody>> ParseAsync(string assetId, CustodyRequest request, bool signed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await store.GetAsync(assetId, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return Error.NotFound("id", $"There is no asset '{assetId}'.");
        }

        var errors = new Dictionary<string, string[]>();
        var kind = HardwareNames.EventKind(request.Kind);
        if (kind is null)
        {
            errors["kind"] = [$"One of: {string.Join(", ", Enum.GetValues<CustodyEventKind>().Select(HardwareNames.Name))}."];
        }

        var document = Word(request.DocumentHash);
        if (document is null)
        {
            errors["documentHash"] = ["Required: 0x and 64 hex digits, the SHA-256 of the event's document."];
        }

        var events = await store.EventsAsync(assetId, cancellationToken).ConfigureAwait(false);
        var custodian = CustodianAfter(events);
        string? signer = null;
        switch (kind)
        {
            case CustodyEventKind.Registration:
                signer = request.Party;
                if (string.IsNullOrWhiteSpace(signer))
                {
                    errors["party"] = ["Required: the supplier's identity id."];
                }

                break;
            case CustodyEventKind.Inspection:
                signer = request.Party;
                if (string.IsNullOrWhiteSpace(signer))
                {
                    errors["party"] = ["Required: the inspector's identity id."];
                }

                if (request.Passed is null)
                {
                    errors["passed"] = ["Required for an inspection: true or false."];
                }

                break;
            case CustodyEventKind.Transfer:
                if (string.IsNullOrWhiteSpace(request.To))
                {
                    errors["to"] = ["Required for a transfer: the receiving identity's id."];
                }
                else if (request.To == custodian)
                {
                    errors["to"] = [$"'{request.To}' holds the asset already."];
                }

                break;
            case CustodyEventKind.Installation:
                if (request.HostId is null || !_hostSites.Value.TryGetValue(request.HostId, out var site))
                {
                    errors["hostId"] = [$"Required for an installation: a host of the catalog ('{request.HostId}' is none)."];
                }
                else if (request.SiteId is not null && request.SiteId != site)
                {
                    errors["siteId"] = [$"Host {request.HostId} is at site {site}."];
                }

                break;
        }

        if (kind is not null and not CustodyEventKind.Registration && custodian is null)
        {
            errors["kind"] = [$"Asset '{assetId}' is not registered yet: its supplier's registration comes first."];
        }
        else if (kind is CustodyEventKind.Registration && events.Count > 0)
        {
            errors["kind"] = [$"Asset '{assetId}' is registered already."];
        }

        if (kind is CustodyEventKind.Transfer or CustodyEventKind.Installation or CustodyEventKind.Decommission)
        {
            signer = custodian;
        }

        var signatures = new List<byte[]>();
        var fields = new List<string> { "signature" };
        if (signed)
        {
            AddSignature(errors, "signature", request.Signature, signatures);
            if (kind == CustodyEventKind.Transfer)
            {
                // Both parties, or nothing: a transfer one side signed alone is refused here as on chain.
                fields.Add("receiverSignature");
                AddSignature(errors, "receiverSignature", request.ReceiverSignature, signatures);
            }
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var siteId = kind == CustodyEventKind.Installation ? _hostSites.Value[request.HostId!] : null;
        var action = new CustodyAction(assetId, kind!.Value, document!, kind == CustodyEventKind.Registration ? stored.Asset.Hash() : null,
            kind == CustodyEventKind.Transfer ? request.To : null, kind == CustodyEventKind.Inspection ? request.Passed : null, siteId,
            kind == CustodyEventKind.Installation ? request.HostId : null);
        return Result<ParsedCustody>.Ok(new ParsedCustody(action, signer!, signatures, fields));
    }

    private static void AddSignature(Dictionary<string, string[]> errors, string field, string? value, List<byte[]> signatures)
    {
        if (Bytes(value) is { Length: 65 } signature)
        {
            signatures.Add(signature);
        }
        else
        {
            errors[field] = ["Required: 0x and 130 hex digits, the party's signature (r ‖ s ‖ v) over the event's EIP-712 digest."];
        }
    }

    private static void Require(Dictionary<string, string[]> errors, string field, string? value, string? problem)
    {
        if (value is null)
        {
            errors[field] = ["Required."];
        }
        else if (problem is not null)
        {
            errors[field] = [problem];
        }
    }

    private static string? Text(string? value) => value is { Length: > 0 and <= 200 } && !string.IsNullOrWhiteSpace(value) ? null : "1 to 200 characters.";

    private static bool IsId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>0x-hex of 32 bytes, or null.</summary>
    internal static byte[]? Word(string? hex) => Bytes(hex) is { Length: 32 } word ? word : null;

    private static byte[]? Bytes(string? hex)
    {
        if (hex is null || !hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || hex.Length % 2 != 0)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(hex.AsSpan(2));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>0x and lowercase hex.</summary>
    public static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    private sealed record ParsedCustody(CustodyAction Action, string Signer, IReadOnlyList<byte[]> Signatures, IReadOnlyList<string> Fields);
}
