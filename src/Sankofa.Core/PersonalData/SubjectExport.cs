using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Core.PersonalData;

/// <summary>Everything this control plane holds about one identity (a subject-access request's answer).</summary>
/// <param name="SubjectId">The identity id.</param>
/// <param name="ExportedAt">When the export was made.</param>
/// <param name="ErasedAt">When the subject's personal data was erased, or null.</param>
/// <param name="Account">The account as stored (its name is a tombstone once erased).</param>
/// <param name="Personal">The personal fields, opened (field → value); empty once erased.</param>
/// <param name="ChainSteps">The identity's steps on the IdentityRegistry, recorded or waiting.</param>
/// <param name="AuditEntries">Every audit entry the identity did or that was about it, oldest first.</param>
/// <param name="AuditEntriesTruncated">True when there were more than <see cref="SubjectAccessService.MaxAuditEntries"/>.</param>
public sealed record SubjectExport(
    string SubjectId, DateTimeOffset ExportedAt, DateTimeOffset? ErasedAt, StoredAccount Account, IReadOnlyDictionary<string, string> Personal,
    IReadOnlyList<PendingChainStep> ChainSteps, IReadOnlyList<SubjectAuditEntry> AuditEntries, bool AuditEntriesTruncated);

/// <summary>An audit entry in an export: as stored (its payload exactly as hashed), with the subject's sealed values opened beside it.</summary>
/// <param name="Id">Entry id.</param>
/// <param name="Time">When.</param>
/// <param name="Actor">Who.</param>
/// <param name="Action">What.</param>
/// <param name="Subject">About what.</param>
/// <param name="Payload">The payload as hashed (sealed values stay sealed), or null when erased.</param>
/// <param name="Disclosed">The payload's sealed values of this subject, opened: JSON path → value. Empty once erased.</param>
public sealed record SubjectAuditEntry(
    long Id, DateTimeOffset Time, string Actor, string Action, string Subject, string? Payload, IReadOnlyDictionary<string, string> Disclosed);

/// <summary>What an erasure did.</summary>
/// <param name="SubjectId">The identity id.</param>
/// <param name="ErasedAt">When the key was destroyed (the first time, for a repeated request).</param>
/// <param name="AlreadyErased">True when an earlier request had erased it; nothing changed.</param>
public sealed record SubjectErasureResult(string SubjectId, DateTimeOffset ErasedAt, bool AlreadyErased);
