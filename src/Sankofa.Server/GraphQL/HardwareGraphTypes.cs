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

/// <summary>The hardware queries: assets (assets.read) and a VM's provenance (resources.read), as REST answers them.</summary>
internal static class HardwareFields
{
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
}
