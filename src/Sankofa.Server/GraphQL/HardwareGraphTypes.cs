using GraphQL;
using GraphQL.Types;
using Sankofa.Core.Access;
using Sankofa.Core.Hardware;
using Sankofa.Server.Hardware;

namespace Sankofa.Server.GraphQL;

/// <summary>A firmware version of an asset.</summary>
public sealed class FirmwareGraphType : ObjectGraphType<FirmwareRequest>
{
    /// <summary>Declares the fields.</summary>
    public FirmwareGraphType()
    {
        Name = "Firmware";
        Field<NonNullGraphType<StringGraphType>>("component").Resolve(c => c.Source.Component);
        Field<NonNullGraphType<StringGraphType>>("version").Resolve(c => c.Source.Version);
    }
}

/// <summary>A hardware asset, as <c>GET /api/v1/assets/{id}</c> answers it.</summary>
public sealed class AssetGraphType : ObjectGraphType<AssetResponse>
{
    /// <summary>Declares the fields.</summary>
    public AssetGraphType()
    {
        Name = "Asset";
        Field(x => x.Id);
        Field(x => x.Kind).Description("server, cpu, memory, nic, disk, bmc or tpm.");
        Field(x => x.Manufacturer);
        Field(x => x.Model);
        Field(x => x.Serial);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<FirmwareGraphType>>>>("firmware").Resolve(c => c.Source.Firmware);
        Field(x => x.ServerId, nullable: true).Description("A component's server.");
        Field(x => x.HostId, nullable: true).Description("The catalog host a server becomes.");
        Field(x => x.Hash).Description("Its canonical hash (docs/hardware.md), registered on chain.");
    }
}

/// <summary>A custody event with its chain record.</summary>
public sealed class CustodyEventGraphType : ObjectGraphType<CustodyEventResponse>
{
    /// <summary>Declares the fields.</summary>
    public CustodyEventGraphType()
    {
        Name = "CustodyEvent";
        Field(x => x.Sequence);
        Field(x => x.Kind).Description("registration, transfer, inspection, installation or decommission.");
        Field(x => x.Party).Description("Who signed: supplier, sender, inspector or custodian.");
        Field(x => x.To, nullable: true).Description("A transfer's receiver.");
        Field(x => x.DocumentHash).Description("SHA-256 of its document.");
        Field(x => x.Passed, nullable: true).Description("An inspection's outcome.");
        Field(x => x.SiteId, nullable: true);
        Field(x => x.HostId, nullable: true);
        Field(x => x.Transaction).Description("The transaction that recorded it on chain.");
        Field(x => x.Block);
    }
}

/// <summary>A custody gap.</summary>
public sealed class CustodyGapGraphType : ObjectGraphType<CustodyGapResponse>
{
    /// <summary>Declares the fields.</summary>
    public CustodyGapGraphType()
    {
        Name = "CustodyGap";
        Field(x => x.AssetId, nullable: true);
        Field(x => x.Kind).Description("not-registered, broken-chain, not-installed, failed-inspection, decommissioned or no-hardware.");
        Field(x => x.Reason);
    }
}

/// <summary>One asset of a provenance with its custody events.</summary>
public sealed class ProvenanceAssetGraphType : ObjectGraphType<ProvenanceAssetResponse>
{
    /// <summary>Declares the fields.</summary>
    public ProvenanceAssetGraphType()
    {
        Name = "ProvenanceAsset";
        Field<NonNullGraphType<AssetGraphType>>("asset").Resolve(c => c.Source.Asset);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CustodyEventGraphType>>>>("events").Resolve(c => c.Source.Events);
    }
}

/// <summary>The provenance of a VM's hardware.</summary>
public sealed class ProvenanceGraphType : ObjectGraphType<ProvenanceResponse>
{
    /// <summary>Declares the fields.</summary>
    public ProvenanceGraphType()
    {
        Name = "Provenance";
        Field(x => x.ResourceId);
        Field(x => x.SiteId);
        Field(x => x.HostId);
        Field(x => x.Verified).Description("True when the host's custody has no gap.");
        Field<ProvenanceAssetGraphType>("server").Resolve(c => c.Source.Server);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ProvenanceAssetGraphType>>>>("components").Resolve(c => c.Source.Components);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CustodyGapGraphType>>>>("gaps").Resolve(c => c.Source.Gaps);
    }
}

/// <summary>A firmware version as asked for.</summary>
public sealed class FirmwareInputGraphType : InputObjectGraphType<FirmwareRequest>
{
    /// <summary>Declares the fields.</summary>
    public FirmwareInputGraphType()
    {
        Name = "FirmwareInput";
        Field<StringGraphType>("component");
        Field<StringGraphType>("version");
    }

    /// <inheritdoc />
    public override object ParseDictionary(IDictionary<string, object?> value) =>
        new FirmwareRequest(value.TryGetValue("component", out var c) ? c as string : null, value.TryGetValue("version", out var v) ? v as string : null);
}

/// <summary>A new asset, as <c>POST /api/v1/assets</c> takes it; missing or bad fields are refused by the same rules.</summary>
public sealed class AssetInputGraphType : InputObjectGraphType<AssetRequest>
{
    /// <summary>Declares the fields.</summary>
    public AssetInputGraphType()
    {
        Name = "AssetInput";
        Field<StringGraphType>("id");
        Field<StringGraphType>("kind").Description("server, cpu, memory, nic, disk, bmc or tpm.");
        Field<StringGraphType>("manufacturer");
        Field<StringGraphType>("model");
        Field<StringGraphType>("serial");
        Field<ListGraphType<NonNullGraphType<FirmwareInputGraphType>>>("firmware");
        Field<StringGraphType>("serverId").Description("For a component: its server.");
        Field<StringGraphType>("hostId").Description("For a server: the catalog host it becomes.");
    }

    /// <inheritdoc />
    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        string? Get(string key) => value.TryGetValue(key, out var v) ? v as string : null;
        return new AssetRequest(Get("id"), Get("kind"), Get("manufacturer"), Get("model"), Get("serial"),
            value.TryGetValue("firmware", out var f) && f is IEnumerable<object?> items ? [.. items.OfType<FirmwareRequest>()] : null, Get("serverId"), Get("hostId"));
    }
}

/// <summary>
/// A custody event as <c>POST /api/v1/assets/{id}/custody</c> takes it: the parties' signatures (0x, 65 bytes each) over
/// the digest <c>custodyDigest</c> answers for the same fields.
/// </summary>
public sealed class CustodyEventInputGraphType : InputObjectGraphType<CustodyRequest>
{
    /// <summary>Declares the fields.</summary>
    public CustodyEventInputGraphType()
    {
        Name = "CustodyEventInput";
        Field<StringGraphType>("kind").Description("registration, transfer, inspection, installation or decommission.");
        Field<StringGraphType>("documentHash").Description("0x and 64 hex digits: SHA-256 of its document.");
        Field<StringGraphType>("party").Description("The signing supplier (registration) or inspector (inspection).");
        Field<StringGraphType>("to").Description("A transfer's receiver.");
        Field<BooleanGraphType>("passed").Description("An inspection's outcome.");
        Field<StringGraphType>("siteId");
        Field<StringGraphType>("hostId").Description("An installation's host.");
        Field<StringGraphType>("signature").Description("The signing party's (a transfer's sender's) signature.");
        Field<StringGraphType>("receiverSignature").Description("A transfer's receiver's signature.");
    }

    /// <inheritdoc />
    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        string? Get(string key) => value.TryGetValue(key, out var v) ? v as string : null;
        return new CustodyRequest(Get("kind"), Get("documentHash"), Get("party"), Get("to"), value.TryGetValue("passed", out var p) ? p as bool? : null, Get("siteId"),
            Get("hostId"), Get("signature"), Get("receiverSignature"));
    }
}

/// <summary>The hardware queries: assets (assets.read) and a VM's provenance (resources.read), as REST answers them.</summary>
internal static class HardwareFields
{
    /// <summary>
    /// Adding assets and relaying custody events their parties signed (assets.write), with REST's validation: a bad field
    /// is BAD_USER_INPUT naming it, a signature that is not the named party's too, a refusal by the chain CONFLICT.
    /// </summary>
    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<AssetGraphType>>("createAsset")
            .Description("Adds an asset: a server (naming the catalog host it becomes) or a component (naming its server). Its custody starts with its supplier's signed registration.")
            .Argument<NonNullGraphType<AssetInputGraphType>>("input")
            .ResolveAsync(async c =>
            {
                var caller = c.Require(Permission.AssetsWrite);
                return AssetResponse.From(Unwrap(await c.RequestServices!.GetRequiredService<HardwareService>().CreateAsync(caller, caller.Actor(), c.GetArgument<AssetRequest>("input"),
                    c.CancellationToken)));
            });

        mutation.Field<NonNullGraphType<CustodyEventGraphType>>("submitCustodyEvent")
            .Description("Relays a custody event with its parties' signatures (a transfer needs the sender's and the receiver's); answered once the chain accepted and the store kept it.")
            .Argument<NonNullGraphType<StringGraphType>>("assetId")
            .Argument<NonNullGraphType<CustodyEventInputGraphType>>("input")
            .ResolveAsync(async c =>
            {
                var caller = c.Require(Permission.AssetsWrite);
                return CustodyEventResponse.From(Unwrap(await c.RequestServices!.GetRequiredService<HardwareService>().SubmitAsync(caller, caller.Actor(),
                    c.GetArgument<string>("assetId"), c.GetArgument<CustodyRequest>("input"), c.CancellationToken)));
            });
    }

    public static void AddQueries(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<AssetGraphType>>>>("assets")
            .Description("Hardware assets in registration order (assets.read), paged with 'after' (a cursor) and 'first'.")
            .Argument<LongGraphType>("after")
            .Argument<IntGraphType>("first", "Page size, 1 to 500 (default 100).")
            .ResolveAsync(async c => (await c.RequestServices!.GetRequiredService<HardwareService>().ListAsync(c.Require(Permission.AssetsRead), c.GetArgument<long?>("after"),
                c.GetArgument<int?>("first"), c.CancellationToken)).Answer().Items.Select(AssetResponse.From).ToList());

        query.Field<ListGraphType<NonNullGraphType<CustodyEventGraphType>>>("custodyEvents")
            .Description("An asset's custody events with their chain records (assets.read); null when there is no such asset.")
            .Argument<NonNullGraphType<StringGraphType>>("assetId")
            .ResolveAsync(async c => (await c.RequestServices!.GetRequiredService<HardwareService>().GetAsync(c.Require(Permission.AssetsRead), c.GetArgument<string>("assetId"),
                c.CancellationToken)).AnswerOrNull()?.Events.Select(CustodyEventResponse.From).ToList());

        query.Field<NonNullGraphType<StringGraphType>>("custodyDigest")
            .Description("The EIP-712 digest (0x hex) the parties sign for this custody event as the asset's next, read from the chain (assets.read); signatures are ignored.")
            .Argument<NonNullGraphType<StringGraphType>>("assetId")
            .Argument<NonNullGraphType<CustodyEventInputGraphType>>("input")
            .ResolveAsync(async c => HardwareService.Hex(Unwrap(await c.RequestServices!.GetRequiredService<HardwareService>().DigestAsync(c.Require(Permission.AssetsRead),
                c.GetArgument<string>("assetId"), c.GetArgument<CustodyRequest>("input"), c.CancellationToken))));

        query.Field<ProvenanceGraphType>("provenance")
            .Description("The provenance of the hardware a VM runs on (resources.read on the VM); null when there is no such VM for the caller.")
            .Argument<NonNullGraphType<StringGraphType>>("resourceId")
            .ResolveAsync(async c =>
            {
                var found = (await c.RequestServices!.GetRequiredService<ProvenanceService>().GetAsync(c.Require(Permission.ResourcesRead), c.GetArgument<string>("resourceId"),
                    c.CancellationToken)).AnswerOrNull();
                return found is null ? null : ProvenanceResponse.From(found);
            });
    }

    // Mutations refuse as REST does, field by field: a bad input field is BAD_USER_INPUT with the field named in its data.
    private static T Unwrap<T>(Core.Result<T> result) => result.Error is { } error ? throw GraphAccess.ToGraphError(error) : result.Value!;
}
