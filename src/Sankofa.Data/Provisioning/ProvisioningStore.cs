using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Replicas;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;
using Sankofa.Data.Audit;
using Arg = Sankofa.Data.Provisioning.ResourceWriter.Arg;

namespace Sankofa.Data.Provisioning;

/// <summary>
/// EF Core implementation of <see cref="ITenantStore"/>, <see cref="IProjectStore"/>, <see cref="IResourceStore"/> and <see cref="IUsageStore"/> for SQLite and PostgreSQL. Each mutation and its audit
/// entry are written in one transaction, so they commit together or not at all; resource writes, the hot path of
/// provisioning, go through <see cref="ResourceWriter"/>'s group commit.
/// </summary>
internal sealed partial class ProvisioningStore : ITenantStore, IProjectStore, IResourceStore, IUsageStore
{
    private const int PlacementCacheLimit = 20_000;

    private readonly IStoreContextFactory contexts;
    private readonly TimeProvider time;
    private readonly ResourceWriter writer;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PlacementExplanation> placements = new(StringComparer.Ordinal);
    private readonly IReplicaSignals? signals;
    private long changeVersion;

    public ProvisioningStore(IStoreContextFactory contexts, TimeProvider time, IReplicaSignals? signals = null)
    {
        this.contexts = contexts;
        this.time = time;
        this.signals = signals;
        writer = new(contexts, time, Changed);
    }

    public long ChangeVersion => Interlocked.Read(ref changeVersion);

    // Committed: this process's version moves, and the other replicas are told (their read caches follow the signal).
    private void Changed()
    {
        Interlocked.Increment(ref changeVersion);
        signals?.Publish(ReplicaSignalNames.Resources, string.Empty);
    }

    /// <summary>Runs a mutation and writes its audit entry with one SaveChanges in one transaction, mapping lost races and taken keys to <see cref="StoreConflictException"/>.</summary>
    private async Task WriteAsync(AuditEvent? audit, Func<SankofaDbContext, Task> mutate, string what, CancellationToken cancellationToken)
    {
        await AuditedWrite.RunAsync(contexts, time, audit, async db =>
        {
            await mutate(db).ConfigureAwait(false);
            return true;
        }, what, cancellationToken).ConfigureAwait(false);
        Changed();
    }

    /// <summary>Whether the database refused a row for a taken key (SQLite SQLITE_CONSTRAINT, PostgreSQL unique_violation).</summary>
    internal static bool IsUniqueViolation(Exception? error) => error switch
    {
        SqliteException s => s.SqliteErrorCode == 19,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    private NewAuditEntry AuditEntryOf(AuditEvent audit) => AuditedWrite.EntryOf(audit, time);

    /// <summary>The resource as a read gives it back: times at the millisecond the store keeps.</summary>
    private static Resource AsStored(Resource r) => r with
    {
        NextAttemptAt = Ms(r.NextAttemptAt)!.Value,
        CreatedAt = Ms(r.CreatedAt)!.Value,
        UpdatedAt = Ms(r.UpdatedAt)!.Value,
        VerifiedAt = Ms(r.VerifiedAt),
        DeletedAt = Ms(r.DeletedAt),
        MeteredUntil = Ms(r.MeteredUntil),
    };

    /// <summary>
    /// The resource's list item (<see cref="ResourceListJson"/>) as a read of the row it is written with gives it back:
    /// times at the millisecond, SSH keys as their column splits them. Computed before the write's turn, as the placement's JSON is.
    /// </summary>
    private static byte[] ListJsonOf(Resource r)
    {
        var keys = string.Join('\n', r.Spec.SshKeys);
        return ResourceListJson.Of(AsStored(r) with { Spec = r.Spec with { SshKeys = keys.Length == 0 ? [] : keys.Split('\n') } });
    }

    private static DateTimeOffset? Ms(DateTimeOffset? t) => t is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v.ToUnixTimeMilliseconds()) : null;

    /// <summary>A new resource: its row, its size taken from the project's and tenant's quotas, its first event and audit entry.</summary>
    private static Task InsertEventAsync(ResourceWriter.Statements sql, Resource r, NewResourceEvent e, CancellationToken cancellationToken) =>
        sql.ExecuteAsync(
            "INSERT INTO resource_events (resource_id, time_ms, status, kind, message) VALUES (@resource_id, @time_ms, @status, @kind, @message)",
            cancellationToken, Arg.Of("resource_id", r.Id), Arg.Of("time_ms", sql.NowMs), Arg.Of("status", (e.Status ?? r.Status).ToString()), Arg.Of("kind", e.Kind),
            Arg.Of("message", e.Message));

    /// <summary>
    /// A resource's placement explanation, read once per resource id. An explanation never changes after creation and
    /// is the costliest column to read (its rejected candidates make up most of a row), and list pages and reconciler
    /// claims read the same rows again and again. Bounded: past the limit the cache starts over.
    /// </summary>
    private PlacementExplanation PlacementOf(ResourceRow r)
    {
        if (placements.TryGetValue(r.Id, out var known))
        {
            return known;
        }

        var placement = JsonSerializer.Deserialize<PlacementExplanation>(r.PlacementJson)!;
        if (placements.Count >= PlacementCacheLimit)
        {
            placements.Clear();
        }

        placements[r.Id] = placement;
        return placement;
    }

    private Resource ToDomain(ResourceRow r) => ToDomain(r, PlacementOf(r));

    private static Resource ToDomain(ResourceRow r, PlacementExplanation placement) => new(
        r.Id,
        r.Seq,
        r.TenantId,
        r.ProjectId,
        r.Name,
        new ResourceSpec(r.VCpu, r.RamMiB, r.DiskGiB, r.Template, r.SshKeys.Length == 0 ? [] : r.SshKeys.Split('\n'), r.CloudInitUser),
        r.SpecHash,
        Enum.Parse<DesiredState>(r.Desired),
        Enum.Parse<ResourceStatus>(r.Status),
        r.FailureReason,
        placement,
        r.VmNode is { } node && r.VmId is { } vmId ? new Core.Provisioning.VirtualMachineRef(node, vmId) : null,
        r.Attempts,
        DateTimeOffset.FromUnixTimeMilliseconds(r.NextAttemptAtMs),
        DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAtMs),
        DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAtMs),
        r.VerifiedAtMs is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null,
        r.DeletedAtMs is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null,
        r.MeteredUntilMs is { } m ? DateTimeOffset.FromUnixTimeMilliseconds(m) : null,
        r.IdempotencyKey,
        r.Version);

    private static Tenant ToDomain(TenantRow t) => new(t.Id, t.Name,
        new ResourceTotals(t.QuotaVCpu, t.QuotaRamMiB, t.QuotaDiskGiB, t.QuotaVms),
        new ResourceTotals(t.UsedVCpu, t.UsedRamMiB, t.UsedDiskGiB, t.UsedVms));

    private static Project ToDomain(ProjectRow p) => new(p.Id, p.TenantId, p.Name,
        new ResourceTotals(p.QuotaVCpu, p.QuotaRamMiB, p.QuotaDiskGiB, p.QuotaVms),
        new ResourceTotals(p.UsedVCpu, p.UsedRamMiB, p.UsedDiskGiB, p.UsedVms));
}
