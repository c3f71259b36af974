using System.Text.Json;
using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Core.PersonalData;

/// <summary>
/// Subject-access export and erasure by crypto-shredding (docs/personal-data.md). Who may: an identity exports its own
/// data; <see cref="Permission.PrivacyExport"/> exports anyone's and <see cref="Permission.PrivacyErase"/> erases anyone's
/// but the caller's own. Erasure revokes the identity first (recorded on chain as any revocation), then destroys its key,
/// its name, subject salt and secret hash in one transaction with an audit entry that names no personal data.
/// </summary>
/// <param name="accounts">Identities.</param>
/// <param name="accountService">Revokes an identity before its erasure.</param>
/// <param name="audit">The audit log, read for the entries the subject did or that were about it.</param>
/// <param name="vault">Opens the subject's sealed values.</param>
/// <param name="store">Keys and fields; erases.</param>
/// <param name="time">The clock.</param>
public sealed class SubjectAccessService(
    IAccountStore accounts, AccountService accountService, IAuditStore audit, PersonalDataVault vault, IPersonalDataStore store, TimeProvider time)
{
    /// <summary>Most audit entries an export carries (the newest are kept when there are more).</summary>
    public const int MaxAuditEntries = 100_000;

    /// <summary>Audit action of an erasure.</summary>
    public const string ErasedAction = "privacy.subject.erased";

    /// <summary>The actor forms under which an identity's own actions are recorded (directly, through REST, through GraphQL).</summary>
    private static readonly string[] ActorForms = ["", "api:", "graphql:"];

    /// <summary>Everything held about <paramref name="subjectId"/>, its personal data opened.</summary>
    public async Task<Result<SubjectExport>> ExportAsync(Caller caller, string subjectId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Id != subjectId && !caller.Can(Permission.PrivacyExport, null))
        {
            return AccessErrors.Forbidden(Permission.PrivacyExport);
        }

        var account = await accounts.GetAsync(subjectId, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return Error.NotFound("id", $"No identity '{subjectId}'.");
        }

        var key = await vault.GetKeyAsync(subjectId, cancellationToken).ConfigureAwait(false);
        var personal = await vault.ReadFieldsAsync(key, cancellationToken).ConfigureAwait(false);
        var steps = await accounts.GetStepsAsync(subjectId, cancellationToken).ConfigureAwait(false);
        var (entries, truncated) = await AuditEntriesAsync(subjectId, cancellationToken).ConfigureAwait(false);
        var exported = entries.Select(e => new SubjectAuditEntry(e.Id, e.Time, e.Actor, e.Action, e.Subject, e.Payload, Disclose(key, e.Payload))).ToList();
        return Result<SubjectExport>.Ok(new SubjectExport(subjectId, time.GetUtcNow(), key.ErasedAt, account, personal, steps, exported, truncated));
    }

    /// <summary>Erases <paramref name="subjectId"/>'s personal data; a repeated request changes nothing and says when it was erased.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="actor">The caller as the audit log names it (with the adapter's prefix, <c>api:…</c>).</param>
    /// <param name="subjectId">The identity to erase.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<Result<SubjectErasureResult>> EraseAsync(Caller caller, string actor, string subjectId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Can(Permission.PrivacyErase, null))
        {
            return AccessErrors.Forbidden(Permission.PrivacyErase);
        }

        if (caller.Id == subjectId)
        {
            // Someone else must take this decision; it also keeps the last administrator from erasing itself out of the system.
            return Error.Conflict("id", "An identity cannot erase its own personal data; another privacy officer must.");
        }

        var account = await accounts.GetAsync(subjectId, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return Error.NotFound("id", $"No identity '{subjectId}'.");
        }

        if (await store.GetKeyAsync(subjectId, cancellationToken).ConfigureAwait(false) is { ErasedAt: { } earlier })
        {
            return Result<SubjectErasureResult>.Ok(new SubjectErasureResult(subjectId, earlier, AlreadyErased: true));
        }

        if (account.Status != IdentityStatus.Revoked)
        {
            var revoked = await accountService.RevokeAsync(actor, subjectId, cancellationToken).ConfigureAwait(false);
            if (revoked.Error is { } refused)
            {
                return refused;
            }
        }

        // In whole milliseconds, as the store keeps it: the first answer and a repeated request's name the same instant.
        var now = StoredInstant.Of(time.GetUtcNow());
        var fields = await store.GetFieldsAsync(subjectId, cancellationToken).ConfigureAwait(false);
        // No personal data in the entry: the subject is the pseudonymous id, the payload only says what was destroyed.
        var entry = new AuditEvent(actor, ErasedAction, "identity:" + subjectId, JsonSerializer.Serialize(new
        {
            keyDestroyed = true,
            fields = fields.Keys.Order(StringComparer.Ordinal),
            name = "replaced",
            subjectSalt = "deleted",
            secretHash = "deleted",
        }));
        var erased = await store.EraseAsync(new SubjectErasure(subjectId, account.Name, now), entry, cancellationToken).ConfigureAwait(false);
        return Result<SubjectErasureResult>.Ok(erased
            ? new SubjectErasureResult(subjectId, now, AlreadyErased: false)
            : new SubjectErasureResult(subjectId, (await store.GetKeyAsync(subjectId, cancellationToken).ConfigureAwait(false))?.ErasedAt ?? now, AlreadyErased: true));
    }

    /// <summary>
    /// The name an erased account reads with (its sealed name no longer opens): the '~' makes it no user name
    /// (<see cref="AccountRules.NameProblem"/>), so it is never mistaken for one.
    /// </summary>
    public static string TombstoneName(string subjectId) => "~erased:" + subjectId;

    /// <summary>Sealed string values in a payload that open with the subject's key: JSON path → value.</summary>
    public static IReadOnlyDictionary<string, string> Disclose(SubjectKey key, string? payload)
    {
        ArgumentNullException.ThrowIfNull(key);
        var disclosed = new Dictionary<string, string>(StringComparer.Ordinal);
        if (key.Key is null || payload is null || !payload.Contains(PersonalDataCipher.Prefix, StringComparison.Ordinal))
        {
            return disclosed;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            Walk(document.RootElement, "$", null, key, disclosed);
        }
        catch (JsonException)
        {
            // A payload that is not JSON holds no sealed field of ours.
        }

        return disclosed;
    }

    private static void Walk(JsonElement element, string path, string? field, SubjectKey key, Dictionary<string, string> disclosed)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, path + "." + property.Name, property.Name, key, disclosed);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, $"{path}[{i++}]", field, key, disclosed);
                }

                break;
            case JsonValueKind.String when field is not null && key.Open(field, element.GetString()) is { } plain:
                disclosed[path] = plain;
                break;
        }
    }

    private async Task<(List<AuditEntry> Entries, bool Truncated)> AuditEntriesAsync(string subjectId, CancellationToken cancellationToken)
    {
        var byId = new SortedDictionary<long, AuditEntry>();
        var truncated = false;
        var queries = ActorForms.Select(prefix => new AuditQuery(Actor: prefix + subjectId, Limit: 1000))
            .Append(new AuditQuery(Subject: "identity:" + subjectId, Limit: 1000));
        foreach (var first in queries)
        {
            var query = first;
            while (true)
            {
                var page = await audit.ListEntriesAsync(query, cancellationToken).ConfigureAwait(false);
                foreach (var entry in page.Items)
                {
                    byId.TryAdd(entry.Id, entry);
                }

                if (page.NextBefore is null)
                {
                    break;
                }

                if (byId.Count >= MaxAuditEntries)
                {
                    truncated = true;
                    break;
                }

                query = query with { Before = page.NextBefore };
            }
        }

        var entries = byId.Values.ToList();
        if (entries.Count > MaxAuditEntries)
        {
            truncated = true;
            entries = entries[^MaxAuditEntries..];
        }

        return (entries, truncated);
    }
}
