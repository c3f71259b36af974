using GraphQL;
using GraphQL.Types;
using Sankofa.Core.PersonalData;
using Sankofa.Server.Identity.Accounts;
using Sankofa.Server.PersonalData;

namespace Sankofa.Server.GraphQL;

/// <summary>A step of an identity on the IdentityRegistry, recorded or waiting.</summary>
public sealed class IdentityChainStepGraphType : ObjectGraphType<ChainStepResponse>
{
    /// <summary>Declares the fields.</summary>
    public IdentityChainStepGraphType()
    {
        Name = "IdentityChainStep";
        Field(x => x.Id).Description("Outbox id.");
        Field(x => x.Step).Description("register, suspend, reinstate, revoke, grant-role or revoke-role.");
        Field(x => x.Role, nullable: true).Description("For role steps, the grant as a claim.");
        Field(x => x.State).Description("pending, done or failed.");
        Field(x => x.Attempts);
        Field(x => x.Transaction, nullable: true);
        Field(x => x.Block, nullable: true);
        Field(x => x.Error, nullable: true);
    }
}

/// <summary>An identity's chain sync state.</summary>
public sealed class IdentityChainGraphType : ObjectGraphType<ChainSyncResponse>
{
    /// <summary>Declares the fields.</summary>
    public IdentityChainGraphType()
    {
        Name = "IdentityChain";
        Field(x => x.Recorded).Description("The status the chain last recorded through this control plane: none, active, suspended or revoked.");
        Field(x => x.LastBlock, nullable: true);
        Field(x => x.Pending);
        Field(x => x.Failed);
        Field<ListGraphType<NonNullGraphType<IdentityChainStepGraphType>>>("steps").Description("Every step, oldest first.").Resolve(c => c.Source.Steps);
    }
}

/// <summary>An identity as <c>GET /api/v1/identities/{id}</c> shows it (without its live chain read).</summary>
public sealed class IdentityGraphType : ObjectGraphType<IdentityResponse>
{
    /// <summary>Declares the fields.</summary>
    public IdentityGraphType()
    {
        Name = "Identity";
        Field(x => x.Id);
        Field(x => x.Kind).Description("user or service.");
        Field(x => x.Name).Description("The user name; ~erased:<id> once erased.");
        Field(x => x.Status).Description("active, suspended or revoked.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("roles").Description("Role grants as claims (role@scope).").Resolve(c => c.Source.Roles);
        Field(x => x.MustChangePassword);
        Field(x => x.Controller).Description("The controller address.");
        Field(x => x.Did, nullable: true);
        Field(x => x.CreatedAt);
        Field(x => x.UpdatedAt);
        Field<NonNullGraphType<IdentityChainGraphType>>("chain").Resolve(c => c.Source.Chain);
    }
}

/// <summary>A personal field, opened.</summary>
public sealed class PersonalFieldGraphType : ObjectGraphType<KeyValuePair<string, string>>
{
    /// <summary>Declares the fields.</summary>
    public PersonalFieldGraphType()
    {
        Name = "PersonalField";
        Field<NonNullGraphType<StringGraphType>>("field").Description("userName, email or displayName.").Resolve(c => c.Source.Key);
        Field<NonNullGraphType<StringGraphType>>("value").Resolve(c => c.Source.Value);
    }
}

/// <summary>A sealed value of the subject in an audit payload, opened.</summary>
public sealed class DisclosedValueGraphType : ObjectGraphType<KeyValuePair<string, string>>
{
    /// <summary>Declares the fields.</summary>
    public DisclosedValueGraphType()
    {
        Name = "DisclosedValue";
        Field<NonNullGraphType<StringGraphType>>("path").Description("Its JSON path in the payload ($.name).").Resolve(c => c.Source.Key);
        Field<NonNullGraphType<StringGraphType>>("value").Resolve(c => c.Source.Value);
    }
}

/// <summary>An audit entry in a subject-access export.</summary>
public sealed class SubjectAuditEntryGraphType : ObjectGraphType<SubjectAuditEntryResponse>
{
    /// <summary>Declares the fields.</summary>
    public SubjectAuditEntryGraphType()
    {
        Name = "SubjectAuditEntry";
        Field(x => x.Id).Description("Entry id (sankofa audit verify ID checks it).");
        Field(x => x.Time);
        Field(x => x.Actor);
        Field(x => x.Action);
        Field(x => x.Subject);
        // GraphQL has no JSON scalar here: the payload's text, exactly as hashed (sealed values stay sealed).
        Field<StringGraphType>("payload").Description("The payload as hashed, JSON text; null when erased or not JSON.").Resolve(c => c.Source.Payload?.GetRawText());
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DisclosedValueGraphType>>>>("disclosed")
            .Description("The subject's sealed values in the payload, opened; empty once erased.").Resolve(c => c.Source.Disclosed);
    }
}

/// <summary>Everything held about an identity, as <c>GET /api/v1/compliance/subjects/{id}/export</c> answers it.</summary>
public sealed class SubjectExportGraphType : ObjectGraphType<SubjectExportResponse>
{
    /// <summary>Declares the fields.</summary>
    public SubjectExportGraphType()
    {
        Name = "SubjectExport";
        Field(x => x.SubjectId);
        Field(x => x.ExportedAt);
        Field(x => x.Erased);
        Field(x => x.ErasedAt, nullable: true);
        Field<NonNullGraphType<IdentityGraphType>>("identity").Resolve(c => c.Source.Identity);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PersonalFieldGraphType>>>>("personal")
            .Description("userName, email, displayName as held, opened; empty once erased.").Resolve(c => c.Source.Personal);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SubjectAuditEntryGraphType>>>>("auditEntries")
            .Description("Every audit entry the identity did or that was about it, oldest first.").Resolve(c => c.Source.AuditEntries);
        Field(x => x.AuditEntriesTruncated).Description("More entries than an export carries (the newest are kept).");
    }
}

/// <summary>What an erasure did.</summary>
public sealed class SubjectErasureGraphType : ObjectGraphType<SubjectErasureResponse>
{
    /// <summary>Declares the fields.</summary>
    public SubjectErasureGraphType()
    {
        Name = "SubjectErasure";
        Field(x => x.SubjectId);
        Field(x => x.ErasedAt).Description("When its key was destroyed (the first time, for a repeated request).");
        Field(x => x.AlreadyErased).Description("True when an earlier request erased it (nothing changed now).");
    }
}

/// <summary>
/// Subject-access export and erasure (docs/personal-data.md) as REST makes them, under the same rules: an identity exports
/// its own data, privacy.export anyone's, privacy.erase erases anyone's but the caller's own; Core checks which.
/// </summary>
internal static class PersonalDataFields
{
    public static void AddQueries(ObjectGraphType query) =>
        query.Field<SubjectExportGraphType>("subjectExport")
            .Description("Everything held about an identity, its personal data opened (privacy.export, or the identity itself); null when there is no such identity.")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async c =>
            {
                var export = (await c.RequestServices!.GetRequiredService<SubjectAccessService>().ExportAsync(c.SignedIn(), c.GetArgument<string>("id"), c.CancellationToken))
                    .AnswerOrNull();
                return export?.ToResponse(await c.RequestServices!.GetRequiredService<ChainIdSource>().GetAsync(c.CancellationToken));
            });

    public static void AddMutations(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<SubjectErasureGraphType>>("eraseSubject")
            .Description("Erases an identity's personal data by destroying its key; revokes it first. Audit proofs stay valid (privacy.erase; never one's own).")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async c =>
            {
                var caller = c.SignedIn();
                return (await c.RequestServices!.GetRequiredService<SubjectEraser>().EraseAsync(caller, caller.Actor(), c.GetArgument<string>("id"), c.CancellationToken))
                    .Answer().ToResponse();
            });
}
