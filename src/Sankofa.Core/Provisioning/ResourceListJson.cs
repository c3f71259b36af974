using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sankofa.Core.Provisioning;

/// <summary>
/// One resource as the API's list writes it (an item of <c>ResourcePageResponse</c>: camel-case names, enums as
/// camel-case strings, no replay, history nor chain record), as UTF-8 JSON. The store keeps these bytes beside each
/// resource, computed at every write of it, so a list page reads one column per row and copies it instead of reading
/// some thirty columns and writing them again; the server writes pages from the same bytes.
/// </summary>
/// <remarks>
/// The server's ResourcePageTests hold these bytes to what the serializer writes for the contract with the server's
/// options. Kept bytes follow the format of the version that wrote them: a change of the format needs a migration that
/// sets the stored column (<c>resources.list_json</c>) to NULL, which the store then writes again at start.
/// </remarks>
public static class ResourceListJson
{
    // ASP.NET Core's JSON answers escape only what JSON needs (its JsonOptions' default encoder), not HTML's characters.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>The API's options as far as this format depends on them (names, enums, escaping).</summary>
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = Encoder,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = Encoder, SkipValidation = true };

    private static readonly JsonEncodedText Id = N("id"), TenantId = N("tenantId"), ProjectId = N("projectId"), Name = N("name"), Spec = N("spec"),
        VCpu = N("vcpu"), RamMiB = N("ramMiB"), DiskGiB = N("diskGiB"), Template = N("template"), SshKeys = N("sshKeys"), CloudInitUser = N("cloudInitUser"),
        SpecHash = N("specHash"), Desired = N("desired"), Status = N("status"), FailureReason = N("failureReason"), Placement = N("placement"), Vm = N("vm"),
        Site = N("site"), Node = N("node"), VmId = N("vmId"), CreatedAt = N("createdAt"), UpdatedAt = N("updatedAt"), VerifiedAt = N("verifiedAt"),
        DeletedAt = N("deletedAt"), Replayed = N("replayed"), Events = N("events"), OnChain = N("onChain"), OnChainError = N("onChainError");

    // Enum names as the converter spells them, taken from the serializer itself.
    private static readonly Dictionary<DesiredState, JsonEncodedText> DesiredNames = Names<DesiredState>();
    private static readonly Dictionary<ResourceStatus, JsonEncodedText> StatusNames = Names<ResourceStatus>();

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    /// <summary>The resource's list item, as its own array (what the store keeps).</summary>
    /// <param name="resource">The resource as a read gives it back (times at the millisecond the store keeps).</param>
    public static byte[] Of(Resource resource)
    {
        var written = buffer ??= new ArrayBufferWriter<byte>(8 * 1024);
        written.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(written, WriterOptions))
        {
            Write(writer, resource);
        }

        return written.WrittenSpan.ToArray();
    }

    /// <summary>Writes the resource's list item as the next value of <paramref name="writer"/>.</summary>
    public static void Write(Utf8JsonWriter writer, Resource r)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(r);
        writer.WriteStartObject();
        writer.WriteString(Id, r.Id);
        writer.WriteString(TenantId, r.TenantId);
        writer.WriteString(ProjectId, r.ProjectId);
        writer.WriteString(Name, r.Name);
        writer.WriteStartObject(Spec);
        writer.WriteNumber(VCpu, r.Spec.VCpu);
        writer.WriteNumber(RamMiB, r.Spec.RamMiB);
        writer.WriteNumber(DiskGiB, r.Spec.DiskGiB);
        writer.WriteString(Template, r.Spec.Template);
        writer.WriteStartArray(SshKeys);
        foreach (var key in r.Spec.SshKeys)
        {
            writer.WriteStringValue(key);
        }

        writer.WriteEndArray();
        WriteNullable(writer, CloudInitUser, r.Spec.CloudInitUser);
        writer.WriteEndObject();
        writer.WriteString(SpecHash, "0x" + Convert.ToHexStringLower(r.SpecHash));
        writer.WriteString(Desired, DesiredNames[r.Desired]);
        writer.WriteString(Status, StatusNames[r.Status]);
        WriteNullable(writer, FailureReason, r.FailureReason);
        writer.WritePropertyName(Placement);
        JsonSerializer.Serialize(writer, r.Placement, Options);
        if (r.Vm is { } machine)
        {
            writer.WriteStartObject(Vm);
            writer.WriteString(Site, r.Placement.SiteId);
            writer.WriteString(Node, machine.Node);
            writer.WriteNumber(VmId, machine.VmId);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull(Vm);
        }

        writer.WriteString(CreatedAt, r.CreatedAt);
        writer.WriteString(UpdatedAt, r.UpdatedAt);
        WriteNullable(writer, VerifiedAt, r.VerifiedAt);
        WriteNullable(writer, DeletedAt, r.DeletedAt);

        // A list never says replayed, nor carries history or the chain's record (one resource only).
        writer.WriteNull(Replayed);
        writer.WriteNull(Events);
        writer.WriteNull(OnChain);
        writer.WriteNull(OnChainError);
        writer.WriteEndObject();
    }

    private static JsonEncodedText N(string name) => JsonEncodedText.Encode(name, Encoder);

    private static Dictionary<T, JsonEncodedText> Names<T>() where T : struct, Enum =>
        Enum.GetValues<T>().ToDictionary(v => v, v => N(JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(v, Options))!));

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
