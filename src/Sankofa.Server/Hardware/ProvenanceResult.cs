using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Sankofa.Core.Hardware;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Hardware;

/// <summary>
/// A provenance answered as <see cref="ProvenanceResponse"/>'s JSON, written field by field from the domain records
/// straight to the response body. A host of 21 assets with 30 custody events each is a 222 KiB answer: through the
/// response records it cost 630 event records and their hex strings, and the serializer's per-object bookkeeping, on
/// every request; this writes the same bytes without them. <c>ProvenanceResultTests</c> holds it to the serializer's
/// output for the same provenance, byte for byte, so the documented contract stays <see cref="ProvenanceResponse"/>.
/// </summary>
public sealed class ProvenanceResult(Provenance provenance) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    private static readonly JsonEncodedText ResourceId = JsonEncodedText.Encode("resourceId");
    private static readonly JsonEncodedText SiteId = JsonEncodedText.Encode("siteId");
    private static readonly JsonEncodedText HostId = JsonEncodedText.Encode("hostId");
    private static readonly JsonEncodedText Verified = JsonEncodedText.Encode("verified");
    private static readonly JsonEncodedText Server = JsonEncodedText.Encode("server");
    private static readonly JsonEncodedText Components = JsonEncodedText.Encode("components");
    private static readonly JsonEncodedText Gaps = JsonEncodedText.Encode("gaps");
    private static readonly JsonEncodedText Asset = JsonEncodedText.Encode("asset");
    private static readonly JsonEncodedText Events = JsonEncodedText.Encode("events");
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText Manufacturer = JsonEncodedText.Encode("manufacturer");
    private static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");
    private static readonly JsonEncodedText Serial = JsonEncodedText.Encode("serial");
    private static readonly JsonEncodedText Firmware = JsonEncodedText.Encode("firmware");
    private static readonly JsonEncodedText Component = JsonEncodedText.Encode("component");
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText ServerId = JsonEncodedText.Encode("serverId");
    private static readonly JsonEncodedText Hash = JsonEncodedText.Encode("hash");
    private static readonly JsonEncodedText CreatedAt = JsonEncodedText.Encode("createdAt");
    private static readonly JsonEncodedText Sequence = JsonEncodedText.Encode("sequence");
    private static readonly JsonEncodedText Party = JsonEncodedText.Encode("party");
    private static readonly JsonEncodedText To = JsonEncodedText.Encode("to");
    private static readonly JsonEncodedText DocumentHash = JsonEncodedText.Encode("documentHash");
    private static readonly JsonEncodedText Passed = JsonEncodedText.Encode("passed");
    private static readonly JsonEncodedText RecordedAt = JsonEncodedText.Encode("recordedAt");
    private static readonly JsonEncodedText Transaction = JsonEncodedText.Encode("transaction");
    private static readonly JsonEncodedText Block = JsonEncodedText.Encode("block");
    private static readonly JsonEncodedText AssetId = JsonEncodedText.Encode("assetId");
    private static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");

    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc />
    public string ContentType => JsonBody.ContentType;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext) => JsonBody.WriteAsync(httpContext, provenance, Write);

    /// <summary>Writes the provenance as <see cref="ProvenanceResponse"/> serializes (camelCase, nulls written).</summary>
    internal static void Write(Utf8JsonWriter writer, Provenance provenance)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(provenance);
        writer.WriteStartObject();
        writer.WriteString(ResourceId, provenance.ResourceId);
        writer.WriteString(SiteId, provenance.SiteId);
        writer.WriteString(HostId, provenance.HostId);
        writer.WriteBoolean(Verified, provenance.Verified);
        writer.WritePropertyName(Server);
        // As ProvenanceResponse.From: the first server, then every other asset as a component.
        var server = provenance.Hardware.FirstOrDefault(h => h.Asset.Kind == AssetKind.Server);
        if (server is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            WriteAsset(writer, server);
        }

        writer.WriteStartArray(Components);
        foreach (var component in provenance.Hardware)
        {
            if (component.Asset.Kind != AssetKind.Server)
            {
                WriteAsset(writer, component);
            }
        }

        writer.WriteEndArray();
        writer.WriteStartArray(Gaps);
        foreach (var gap in provenance.Gaps)
        {
            writer.WriteStartObject();
            WriteNullable(writer, AssetId, gap.AssetId);
            writer.WriteString(Kind, CustodyGapResponse.Name(gap.Kind));
            writer.WriteString(Reason, gap.Reason);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(ProvenanceResponse), ["application/json"]));
    }

    private static void WriteAsset(Utf8JsonWriter writer, AssetCustody custody)
    {
        var asset = custody.Asset;
        writer.WriteStartObject();
        writer.WriteStartObject(Asset);
        writer.WriteString(Id, asset.Id);
        writer.WriteString(Kind, HardwareNames.Name(asset.Kind));
        writer.WriteString(Manufacturer, asset.Manufacturer);
        writer.WriteString(Model, asset.Model);
        writer.WriteString(Serial, asset.Serial);
        writer.WriteStartArray(Firmware);
        foreach (var firmware in asset.Firmware)
        {
            writer.WriteStartObject();
            writer.WriteString(Component, firmware.Component);
            writer.WriteString(Version, firmware.Version);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteNullable(writer, ServerId, asset.ServerId);
        WriteNullable(writer, HostId, asset.HostId);
        JsonBody.WriteHex(writer, Hash, asset.Hash());
        writer.WriteString(CreatedAt, custody.CreatedAt);
        writer.WriteEndObject();
        writer.WriteStartArray(Events);
        foreach (var e in custody.Events)
        {
            writer.WriteStartObject();
            writer.WriteNumber(Sequence, e.Sequence);
            writer.WriteString(Kind, HardwareNames.Name(e.Kind));
            writer.WriteString(Party, e.Actor);
            WriteNullable(writer, To, e.Counterparty);
            JsonBody.WriteHex(writer, DocumentHash, e.DocumentHash);
            if (e.Passed is { } passed)
            {
                writer.WriteBoolean(Passed, passed);
            }
            else
            {
                writer.WriteNull(Passed);
            }

            WriteNullable(writer, SiteId, e.SiteId);
            WriteNullable(writer, HostId, e.HostId);
            writer.WriteString(RecordedAt, e.RecordedAt);
            writer.WriteString(Transaction, e.Chain.TransactionHash);
            writer.WriteNumber(Block, e.Chain.BlockNumber);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
