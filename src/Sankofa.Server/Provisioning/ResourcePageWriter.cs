using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sankofa.Core.Placement;
using Sankofa.Core.Provisioning;

namespace Sankofa.Server.Provisioning;

/// <summary>
/// Writes a page of resources as JSON straight from the domain records: the bytes the serializer gives for
/// <see cref="ResourcePageResponse"/> with the API's options, without making a response record per resource and per
/// spec and VM, nor walking them through the serializer's metadata. A page is 100 resources of some forty fields, and
/// producing it is what an uncached list costs. Each placement explanation (most of a resource's bytes: the rejected
/// candidates) never changes once made, so it is serialised once and its bytes kept beside the instance the store hands
/// out; the entry goes when the instance does.
/// </summary>
/// <remarks>The contract stays <see cref="ResourcePageResponse"/> (OpenAPI names it); ResourcePageWriterTests holds the two byte for byte.</remarks>
internal sealed class ResourcePageWriter
{
    private readonly JsonSerializerOptions options;
    private readonly JsonWriterOptions writerOptions;
    private readonly ConditionalWeakTable<PlacementExplanation, byte[]> placements = [];
    private readonly ConditionalWeakTable<PlacementExplanation, byte[]>.CreateValueCallback serializePlacement;
    private readonly Dictionary<DesiredState, JsonEncodedText> desired;
    private readonly Dictionary<ResourceStatus, JsonEncodedText> statuses;
    private readonly JsonEncodedText items, next, nextCursor, id, tenantId, projectId, name, spec, vcpu, ramMiB, diskGiB, template, sshKeys, cloudInitUser,
        specHash, desiredName, status, failureReason, placement, vm, site, node, vmId, createdAt, updatedAt, verifiedAt, deletedAt, replayed, events, onChain, onChainError;

    public ResourcePageWriter(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        options = json.Value.SerializerOptions;
        writerOptions = new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented, SkipValidation = true };
        serializePlacement = e => JsonSerializer.SerializeToUtf8Bytes(e, options);
        JsonEncodedText N(string property) => JsonEncodedText.Encode(options.PropertyNamingPolicy?.ConvertName(property) ?? property, options.Encoder);
        items = N(nameof(ResourcePageResponse.Items));
        next = N(nameof(ResourcePageResponse.Next));
        nextCursor = N(nameof(ResourcePageResponse.NextCursor));
        id = N(nameof(ResourceResponse.Id));
        tenantId = N(nameof(ResourceResponse.TenantId));
        projectId = N(nameof(ResourceResponse.ProjectId));
        name = N(nameof(ResourceResponse.Name));
        spec = N(nameof(ResourceResponse.Spec));
        vcpu = N(nameof(SpecResponse.Vcpu));
        ramMiB = N(nameof(SpecResponse.RamMiB));
        diskGiB = N(nameof(SpecResponse.DiskGiB));
        template = N(nameof(SpecResponse.Template));
        sshKeys = N(nameof(SpecResponse.SshKeys));
        cloudInitUser = N(nameof(SpecResponse.CloudInitUser));
        specHash = N(nameof(ResourceResponse.SpecHash));
        desiredName = N(nameof(ResourceResponse.Desired));
        status = N(nameof(ResourceResponse.Status));
        failureReason = N(nameof(ResourceResponse.FailureReason));
        placement = N(nameof(ResourceResponse.Placement));
        vm = N(nameof(ResourceResponse.Vm));
        site = N(nameof(VmResponse.Site));
        node = N(nameof(VmResponse.Node));
        vmId = N(nameof(VmResponse.VmId));
        createdAt = N(nameof(ResourceResponse.CreatedAt));
        updatedAt = N(nameof(ResourceResponse.UpdatedAt));
        verifiedAt = N(nameof(ResourceResponse.VerifiedAt));
        deletedAt = N(nameof(ResourceResponse.DeletedAt));
        replayed = N(nameof(ResourceResponse.Replayed));
        events = N(nameof(ResourceResponse.Events));
        onChain = N(nameof(ResourceResponse.OnChain));
        onChainError = N(nameof(ResourceResponse.OnChainError));

        // Enum names as the API's converter spells them (camel case), taken from the serializer itself.
        desired = Enum.GetValues<DesiredState>().ToDictionary(v => v, v => JsonEncodedText.Encode(JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(v, options))!, options.Encoder));
        statuses = Enum.GetValues<ResourceStatus>().ToDictionary(v => v, v => JsonEncodedText.Encode(JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(v, options))!, options.Encoder));
    }

    /// <summary>Writes the page to <paramref name="output"/>.</summary>
    public void Write(ResourcePage page, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(page);
        using var writer = new Utf8JsonWriter(output, writerOptions);
        writer.WriteStartObject();
        writer.WriteStartArray(items);
        foreach (var r in page.Items)
        {
            WriteResource(writer, r);
        }

        writer.WriteEndArray();
        if (page.NextBefore is { } before)
        {
            writer.WriteNumber(next, before);
        }
        else
        {
            writer.WriteNull(next);
        }

        if (page.Next?.ToString() is { } cursor)
        {
            writer.WriteString(nextCursor, cursor);
        }
        else
        {
            writer.WriteNull(nextCursor);
        }

        writer.WriteEndObject();
    }

    /// <summary>The page as one array (for the read cache, which keeps it).</summary>
    public byte[] ToArray(ResourcePage page)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        Write(page, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private void WriteResource(Utf8JsonWriter writer, Resource r)
    {
        writer.WriteStartObject();
        writer.WriteString(id, r.Id);
        writer.WriteString(tenantId, r.TenantId);
        writer.WriteString(projectId, r.ProjectId);
        writer.WriteString(name, r.Name);
        writer.WriteStartObject(spec);
        writer.WriteNumber(vcpu, r.Spec.VCpu);
        writer.WriteNumber(ramMiB, r.Spec.RamMiB);
        writer.WriteNumber(diskGiB, r.Spec.DiskGiB);
        writer.WriteString(template, r.Spec.Template);
        writer.WriteStartArray(sshKeys);
        foreach (var key in r.Spec.SshKeys)
        {
            writer.WriteStringValue(key);
        }

        writer.WriteEndArray();
        WriteNullable(writer, cloudInitUser, r.Spec.CloudInitUser);
        writer.WriteEndObject();
        writer.WriteString(specHash, ProvisioningMapping.Hex(r.SpecHash));
        writer.WriteString(desiredName, desired[r.Desired]);
        writer.WriteString(status, statuses[r.Status]);
        WriteNullable(writer, failureReason, r.FailureReason);
        writer.WritePropertyName(placement);
        writer.WriteRawValue(PlacementBytes(r.Placement), skipInputValidation: true);
        if (r.Vm is { } machine)
        {
            writer.WriteStartObject(vm);
            writer.WriteString(site, r.Placement.SiteId);
            writer.WriteString(node, machine.Node);
            writer.WriteNumber(vmId, machine.VmId);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull(vm);
        }

        writer.WriteString(createdAt, r.CreatedAt);
        writer.WriteString(updatedAt, r.UpdatedAt);
        WriteNullable(writer, verifiedAt, r.VerifiedAt);
        WriteNullable(writer, deletedAt, r.DeletedAt);

        // A list never says replayed, nor carries history or the chain's record (one resource only).
        writer.WriteNull(replayed);
        writer.WriteNull(events);
        writer.WriteNull(onChain);
        writer.WriteNull(onChainError);
        writer.WriteEndObject();
    }

    private byte[] PlacementBytes(PlacementExplanation explanation) =>
        placements.GetValue(explanation, serializePlacement);

    private static void WriteNullable(Utf8JsonWriter writer, JsonEncodedText property, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(property);
        }
        else
        {
            writer.WriteString(property, value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, JsonEncodedText property, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            writer.WriteString(property, v);
        }
        else
        {
            writer.WriteNull(property);
        }
    }
}
