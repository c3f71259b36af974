using System.Text.Json;
using Sankofa.Core.PersonalData;
using Sankofa.Server.Identity.Accounts;

namespace Sankofa.Server.PersonalData;

/// <summary>Answer of <c>GET /api/v1/compliance/subjects/{id}/export</c>: everything held about an identity.</summary>
/// <param name="SubjectId">The identity id.</param>
/// <param name="ExportedAt">When.</param>
/// <param name="Erased">Whether its personal data was erased.</param>
/// <param name="ErasedAt">When, or null.</param>
/// <param name="Identity">The identity as the identity API shows it, with its chain steps (its name a tombstone once erased).</param>
/// <param name="Personal">Personal fields, opened: <c>userName</c>, <c>email</c>, <c>displayName</c> as held; empty once erased.</param>
/// <param name="AuditEntries">Every audit entry the identity did or that was about it, oldest first.</param>
/// <param name="AuditEntriesTruncated">More entries than an export carries (the newest are kept).</param>
public sealed record SubjectExportResponse(
    string SubjectId, DateTimeOffset ExportedAt, bool Erased, DateTimeOffset? ErasedAt, IdentityResponse Identity,
    IReadOnlyDictionary<string, string> Personal, IReadOnlyList<SubjectAuditEntryResponse> AuditEntries, bool AuditEntriesTruncated);

/// <summary>An audit entry in an export.</summary>
/// <param name="Id">Entry id (<c>sankofa audit verify ID</c> checks it).</param>
/// <param name="Time">When.</param>
/// <param name="Actor">Who.</param>
/// <param name="Action">What.</param>
/// <param name="Subject">About what.</param>
/// <param name="Payload">The payload as hashed (sealed values, <c>pd1:…</c>, stay sealed), or null when erased or not JSON.</param>
/// <param name="Disclosed">The subject's sealed values in the payload, opened: JSON path (<c>$.name</c>) → value.</param>
public sealed record SubjectAuditEntryResponse(
    long Id, DateTimeOffset Time, string Actor, string Action, string Subject, JsonElement? Payload, IReadOnlyDictionary<string, string> Disclosed);

/// <summary>Answer of <c>POST /api/v1/compliance/subjects/{id}/erase</c>.</summary>
/// <param name="SubjectId">The identity id.</param>
/// <param name="ErasedAt">When its key was destroyed.</param>
/// <param name="AlreadyErased">True when an earlier request erased it (nothing changed now).</param>
public sealed record SubjectErasureResponse(string SubjectId, DateTimeOffset ErasedAt, bool AlreadyErased);

/// <summary>Maps personal-data answers.</summary>
internal static class PersonalDataMapping
{
    public static SubjectExportResponse ToResponse(this SubjectExport export, long? chainId)
    {
        var personal = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (export.ErasedAt is null)
        {
            personal[Core.Identity.Accounts.PersonalFields.UserName] = export.Account.Name;
        }

        foreach (var (field, value) in export.Personal)
        {
            personal[field] = value;
        }

        return new SubjectExportResponse(
            export.SubjectId, export.ExportedAt, export.ErasedAt is not null, export.ErasedAt, export.Account.ToResponse(chainId, export.ChainSteps), personal,
            [.. export.AuditEntries.Select(e => new SubjectAuditEntryResponse(e.Id, e.Time, e.Actor, e.Action, e.Subject, Json(e.Payload), e.Disclosed))],
            export.AuditEntriesTruncated);
    }

    public static SubjectErasureResponse ToResponse(this SubjectErasureResult erased) => new(erased.SubjectId, erased.ErasedAt, erased.AlreadyErased);

    private static JsonElement? Json(string? payload)
    {
        if (payload is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
