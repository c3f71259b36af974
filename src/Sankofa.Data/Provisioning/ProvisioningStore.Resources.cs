using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;
using Sankofa.Data.Audit;
using Arg = Sankofa.Data.Provisioning.ResourceWriter.Arg;

namespace Sankofa.Data.Provisioning;
/// <summary>Resources, their events, claims and allocations (<see cref="IResourceStore"/>), written through the group commit.</summary>
internal sealed partial class ProvisioningStore
{

    public async Task<Resource> CreateResourceAsync(Resource resource, NewResourceEvent firstEvent, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(firstEvent);
        ArgumentNullException.ThrowIfNull(audit);
        var write = new CreateWrite(resource, firstEvent, AuditEntryOf(audit));
        await writer.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        return AsStored(resource) with { Sequence = write.Sequence, Version = 0 };
    }

    public async Task<Resource> UpdateResourceAsync(Resource updated, NewResourceEvent? resourceEvent, AuditEvent? audit, ResourceTotals? release, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        var write = new UpdateWrite(updated, resourceEvent is null ? [] : [resourceEvent], audit is null ? [] : [AuditEntryOf(audit)], release);
        return await WriteUpdateAsync(updated, write, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Resource> UpdateResourceAsync(Resource updated, IReadOnlyList<NewResourceEvent> events, IReadOnlyList<AuditEvent> audits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(audits);
        var write = new UpdateWrite(updated, events, [.. audits.Select(AuditEntryOf)], null);
        return await WriteUpdateAsync(updated, write, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Resource> WriteUpdateAsync(Resource updated, UpdateWrite write, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        return AsStored(updated) with
        {
            Version = updated.Version + 1,
            MeteredUntil = write.MeteredUntilMs is { } m ? DateTimeOffset.FromUnixTimeMilliseconds(m) : null,
        };
    }

    public async Task<Resource> ResizeResourceAsync(
        Resource resized, IReadOnlyList<UsageRecord> usage, DateTimeOffset? meteredFrom, ResourceTotals change, NewResourceEvent resourceEvent, AuditEvent audit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resized);
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(resourceEvent);
        ArgumentNullException.ThrowIfNull(audit);
        await writer.WriteAsync(new ResizeWrite(resized, usage, meteredFrom, change, resourceEvent, AuditEntryOf(audit)), cancellationToken).ConfigureAwait(false);
        return AsStored(resized) with { Version = resized.Version + 1 };
    }

    // Compiled once per store: every read of one resource (each request's visibility check among them) would otherwise
    // pay EF's per-execution expression work (parameter extraction, cache lookup, reflection). Not static: a compiled
    // query serves one model, and each provider's context has its own.
    private readonly Func<SankofaDbContext, string, CancellationToken, Task<ResourceRow?>> resourceById = EF.CompileAsyncQuery(
        (SankofaDbContext db, string resourceId, CancellationToken _) => db.Set<ResourceRow>().AsNoTracking().FirstOrDefault(r => r.Id == resourceId));

    public async Task<Resource?> GetResourceAsync(string resourceId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await resourceById(db, resourceId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    // What a read of one resource answers with before its history and record: the kept list item and the columns
    // around it, instead of every column, the placement explanation's mapping and its serialisation again.
    private readonly Func<SankofaDbContext, string, CancellationToken, Task<ResourceJsonRow?>> resourceJsonById = EF.CompileAsyncQuery(
        (SankofaDbContext db, string resourceId, CancellationToken _) => db.Set<ResourceRow>().AsNoTracking().Where(r => r.Id == resourceId)
            .Select(r => new ResourceJsonRow
            {
                Id = r.Id, TenantId = r.TenantId, UpdatedAtMs = r.UpdatedAtMs, Version = r.Version, ListJson = r.ListJson, ListJsonVersion = r.ListJsonVersion,
            })
            .FirstOrDefault());

    /// <summary>
    /// One resource as its kept list item; an item missing or written for another version than the row's (as in
    /// <see cref="ListResourceJsonAsync"/>) is made from the full row instead.
    /// </summary>
    public async Task<ResourceJson?> GetResourceJsonAsync(string resourceId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        if (await resourceJsonById(db, resourceId, cancellationToken).ConfigureAwait(false) is not { } row)
        {
            return null;
        }

        if (row.ListJson is { } json && row.ListJsonVersion == row.Version)
        {
            return new ResourceJson(row.Id, row.TenantId, DateTimeOffset.FromUnixTimeMilliseconds(row.UpdatedAtMs), json);
        }

        return await resourceById(db, resourceId, cancellationToken).ConfigureAwait(false) is { } full
            ? new ResourceJson(full.Id, full.TenantId, DateTimeOffset.FromUnixTimeMilliseconds(full.UpdatedAtMs), ResourceListJson.Of(ToDomain(full)))
            : null;
    }

    public async Task<Resource?> FindByIdempotencyKeyAsync(string projectId, string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.Set<ResourceRow>().AsNoTracking()
            .FirstOrDefaultAsync(r => r.ProjectId == projectId && r.IdempotencyKey == idempotencyKey, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<ResourcePage> ListResourcesAsync(ResourceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = contexts.Create();
        var rows = await ResourceOrder.Ordered(Filtered(db, query), query.Sort, query.Descending).Take(query.Limit + 1).Select(WithoutPlacement)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var explanations = await PlacementsOfAsync(db, rows, cancellationToken).ConfigureAwait(false);
        var items = rows.Take(query.Limit).Select(r => ToDomain(r, explanations[r.Id])).ToList();
        if (rows.Count <= query.Limit)
        {
            return new ResourcePage(items, null);
        }

        var last = rows[query.Limit - 1];
        return new ResourcePage(items, NewestFirst(query) ? last.Seq : null)
        {
            Next = new ResourceCursor(query.Sort, query.Descending, ResourceOrder.Key(query.Sort, last), last.Seq),
        };
    }

    /// <summary>
    /// A page as its list items' JSON: the sequence, the order's key, the kept item and the version it was written for,
    /// instead of some thirty columns a row. An item written for another version than the row's (or never written: rows
    /// from before the column, until the start's backfill reaches them) is made from its full row instead.
    /// </summary>
    /// <remarks>
    /// EF writes the query (the same filters, order and keyset as <see cref="ListResourcesAsync"/>, for either
    /// provider) but the rows are read here: each item is copied from the reader straight into one pooled buffer for
    /// the page. Profiled under 16 clients, materialising the rows (a new array per item, ~200 KB a page, zeroed and
    /// then collected) and EF's enumerator were most of the list's cost in the store.
    /// </remarks>
    public async Task<ResourceJsonPage> ListResourceJsonAsync(ResourceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = contexts.Create();
        await using var command = ResourceOrder.Ordered(Filtered(db, query), query.Sort, query.Descending).Take(query.Limit + 1)
            .Select(ResourceOrder.ListJsonRow(query.Sort)).CreateDbCommand();
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var read = await KeptItemsReader.ReadAsync(command, ResourceOrder.HasKey(query.Sort), query.Limit, cancellationToken).ConfigureAwait(false);
        var (items, buffer) = read.Take();
        if (read.Stale is { } stale)
        {
            var seqs = stale.Select(s => s.Seq).ToList();
            var full = await db.Set<ResourceRow>().AsNoTracking().Where(r => seqs.Contains(r.Seq)).ToDictionaryAsync(r => r.Seq, cancellationToken).ConfigureAwait(false);
            foreach (var (index, seq) in stale)
            {
                items[index] = ResourceListJson.Of(ToDomain(full[seq]));
            }
        }

        if (!read.More)
        {
            return new ResourceJsonPage(items, null) { PooledBuffer = buffer };
        }

        var (lastSeq, lastKey) = read.Last;
        return new ResourceJsonPage(items, NewestFirst(query) ? lastSeq : null)
        {
            PooledBuffer = buffer, Next = new ResourceCursor(query.Sort, query.Descending, lastKey, lastSeq),
        };
    }

    /// <summary>
    /// Writes the list item of every resource whose kept one is missing or written for another version (rows from
    /// before the column, or changed by a server that did not keep it), in batches, each row only if it has not changed
    /// since it was read. Run at start after the migrations; a list is correct without it, only slower.
    /// </summary>
    /// <returns>How many rows were written.</returns>
    internal async Task<int> WriteMissingListJsonAsync(int batch, CancellationToken cancellationToken)
    {
        var written = 0;
        var after = long.MinValue;
        while (true)
        {
            List<ResourceRow> rows;
            await using (var read = contexts.Create())
            {
                rows = await read.Set<ResourceRow>().AsNoTracking()
                    .Where(r => r.Seq > after && (r.ListJson == null || r.ListJsonVersion == null || r.ListJsonVersion != r.Version))
                    .OrderBy(r => r.Seq).Take(batch).ToListAsync(cancellationToken).ConfigureAwait(false);
            }

            if (rows.Count == 0)
            {
                return written;
            }

            after = rows[^1].Seq;
            var items = rows.Select(r => (r.Seq, r.Version, Json: ResourceListJson.Of(ToDomain(r)))).ToList();
            using var turn = await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
            await using var db = contexts.Create();
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (seq, version, json) in items)
            {
                written += await db.Set<ResourceRow>().Where(r => r.Seq == seq && r.Version == version)
                    .ExecuteUpdateAsync(u => u.SetProperty(r => r.ListJson, json).SetProperty(r => r.ListJsonVersion, version), cancellationToken).ConfigureAwait(false);
            }

            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool NewestFirst(ResourceQuery query) => query.Sort == ResourceSort.Created && query.Descending;

    /// <summary>The query's filters and cursor, before its order.</summary>
    private static IQueryable<ResourceRow> Filtered(SankofaDbContext db, ResourceQuery query)
    {
        var q = db.Set<ResourceRow>().AsNoTracking();
        if (query.TenantId is not null)
        {
            q = q.Where(r => r.TenantId == query.TenantId);
        }

        if (query.Tenants is { } tenants)
        {
            var visible = tenants.ToArray();
            q = q.Where(r => visible.Contains(r.TenantId));
        }

        if (query.ProjectId is not null)
        {
            q = q.Where(r => r.ProjectId == query.ProjectId);
        }

        if (query.Status is { } status)
        {
            var s = status.ToString();
            q = q.Where(r => r.Status == s);
        }

        if (query.SiteId is not null)
        {
            q = q.Where(r => r.SiteId == query.SiteId);
        }

        if (query.Before is { } before)
        {
            if (!NewestFirst(query))
            {
                throw new ArgumentException("'Before' pages the default order (newest first) only; other orders page with 'After'.", nameof(query));
            }

            q = q.Where(r => r.Seq < before);
        }

        if (query.After is { } after)
        {
            if (after.Sort != query.Sort || after.Descending != query.Descending)
            {
                throw new ArgumentException($"The cursor belongs to another order ({ResourceCursor.Name(after.Sort)}, {(after.Descending ? "desc" : "asc")}).", nameof(query));
            }

            q = ResourceOrder.After(q, after);
        }

        return q;
    }

    /// <summary>
    /// A row without its placement explanation, the largest column by far (its rejected candidates); a list reads it
    /// only for the resources whose explanation is not known yet (<see cref="PlacementsOfAsync"/>), as it never changes.
    /// </summary>
    private static readonly System.Linq.Expressions.Expression<Func<ResourceRow, ResourceRow>> WithoutPlacement = r => new ResourceRow
    {
        Seq = r.Seq, Id = r.Id, TenantId = r.TenantId, ProjectId = r.ProjectId, Name = r.Name, VCpu = r.VCpu, RamMiB = r.RamMiB, DiskGiB = r.DiskGiB,
        Template = r.Template, SshKeys = r.SshKeys, CloudInitUser = r.CloudInitUser, SpecHash = r.SpecHash, Desired = r.Desired, Status = r.Status,
        Settled = r.Settled, FailureReason = r.FailureReason, SiteId = r.SiteId, HostId = r.HostId, AntiAffinityGroup = r.AntiAffinityGroup,
        PlacementJson = string.Empty, VmNode = r.VmNode, VmId = r.VmId, Attempts = r.Attempts, NextAttemptAtMs = r.NextAttemptAtMs,
        CreatedAtMs = r.CreatedAtMs, UpdatedAtMs = r.UpdatedAtMs, VerifiedAtMs = r.VerifiedAtMs, DeletedAtMs = r.DeletedAtMs,
        MeteredUntilMs = r.MeteredUntilMs, IdempotencyKey = r.IdempotencyKey, Version = r.Version, ClaimedBy = r.ClaimedBy,
    };

    /// <summary>The placement explanations of rows read <see cref="WithoutPlacement"/>: known ones from the cache, the others in one query.</summary>
    private async Task<Dictionary<string, PlacementExplanation>> PlacementsOfAsync(SankofaDbContext db, List<ResourceRow> rows, CancellationToken cancellationToken)
    {
        var known = new Dictionary<string, PlacementExplanation>(rows.Count, StringComparer.Ordinal);
        List<string>? missing = null;
        foreach (var row in rows)
        {
            if (placements.TryGetValue(row.Id, out var placement))
            {
                known[row.Id] = placement;
            }
            else
            {
                (missing ??= []).Add(row.Id);
            }
        }

        if (missing is null)
        {
            return known;
        }

        var read = await db.Set<ResourceRow>().AsNoTracking().Where(r => missing.Contains(r.Id)).Select(r => new { r.Id, r.PlacementJson })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var row in rows.Where(r => !known.ContainsKey(r.Id)))
        {
            row.PlacementJson = read.First(r => r.Id == row.Id).PlacementJson;
            known[row.Id] = PlacementOf(row);
        }

        return known;
    }

    // Compiled like resourceById: every GET of a resource reads its history, and EF's per-execution expression work was
    // most of that read's cost (a profile of the verified-read benchmark: 10 % of the process against 6 % for the row).
    private readonly Func<SankofaDbContext, string, IAsyncEnumerable<ResourceEventRow>> eventsOf = EF.CompileAsyncQuery<SankofaDbContext, string, ResourceEventRow>(
        (SankofaDbContext db, string resourceId) => db.Set<ResourceEventRow>().AsNoTracking().Where(e => e.ResourceId == resourceId).OrderBy(e => e.Id));

    public async Task<IReadOnlyList<ResourceEvent>> GetEventsAsync(string resourceId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var events = new List<ResourceEvent>();
        await foreach (var e in eventsOf(db, resourceId).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new ResourceEvent(e.Id, e.ResourceId, DateTimeOffset.FromUnixTimeMilliseconds(e.TimeMs), Enum.Parse<ResourceStatus>(e.Status), e.Kind, e.Message));
        }

        return events;
    }

    public async Task<IReadOnlyList<Resource>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset until, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        var (nowMs, untilMs) = (now.ToUnixTimeMilliseconds(), until.ToUnixTimeMilliseconds());
        List<long> due;
        using (await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var db = contexts.Create();
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            // Spelled "settled = FALSE" like the partial index ix_resources_due, so the planner reads only unsettled rows
            // (EF writes NOT settled, which SQLite does not match to the index and answers with a scan of every resource).
            due = await db.Database.SqlQueryRaw<long>(
                    "SELECT seq AS \"Value\" FROM resources WHERE settled = FALSE AND next_attempt_at_ms <= {0} ORDER BY next_attempt_at_ms LIMIT {1}", nowMs, max)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            if (due.Count == 0)
            {
                return [];
            }

            // The due condition is checked again by the update itself: on PostgreSQL a server that waited for another's
            // row locks re-reads the rows, so a resource the other just claimed is not claimed twice.
            await db.Set<ResourceRow>().Where(r => due.Contains(r.Seq) && !r.Settled && r.NextAttemptAtMs <= nowMs)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.NextAttemptAtMs, untilMs).SetProperty(r => r.ClaimedBy, owner), cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Read after the write turn is given back: the claim holds them now, so nobody else changes them meanwhile
        // except a user's request, whose new version the reconciler's next write then runs into.
        // Without the placement explanation and the kept list item (together most of a row's bytes): the explanation of
        // a resource claimed again comes from the per-resource cache, as for list pages.
        await using var read = contexts.Create();
        var rows = await read.Set<ResourceRow>().AsNoTracking().Where(r => due.Contains(r.Seq) && r.ClaimedBy == owner && r.NextAttemptAtMs == untilMs)
            .OrderBy(r => r.Seq).Select(WithoutPlacement).ToListAsync(cancellationToken).ConfigureAwait(false);
        var explanations = await PlacementsOfAsync(read, rows, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => ToDomain(r, explanations[r.Id]))];
    }

    public async Task<int> ReleaseClaimsAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        var nowMs = now.ToUnixTimeMilliseconds();
        using var turn = await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var db = contexts.Create();
        return await db.Set<ResourceRow>().Where(r => r.ClaimedBy == owner && !r.Settled && r.NextAttemptAtMs > nowMs)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.NextAttemptAtMs, nowMs), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<HostAllocation>> GetAllocationsAsync(CancellationToken cancellationToken)
    {
        var released = new[] { nameof(ResourceStatus.Deleted), nameof(ResourceStatus.Failed) };
        await using var db = contexts.Create();
        var rows = await db.Set<ResourceRow>().AsNoTracking().Where(r => !released.Contains(r.Status))
            .Select(r => new { r.Id, r.HostId, r.VCpu, r.RamMiB, r.DiskGiB, r.AntiAffinityGroup, r.TenantId }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new HostAllocation(r.Id, r.HostId, new ComputeResources(r.VCpu, r.RamMiB, r.DiskGiB), r.AntiAffinityGroup, r.TenantId))];
    }

    public async Task<IReadOnlyList<SiteResource>> GetSiteResourcesAsync(string siteId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(siteId);
        var deleted = nameof(ResourceStatus.Deleted);
        await using var db = contexts.Create();
        // By ix_resources_site; only the columns the comparison needs, so a site's agent reporting costs one narrow read.
        var rows = await db.Set<ResourceRow>().AsNoTracking().Where(r => r.SiteId == siteId && r.Status != deleted)
            .Select(r => new { r.Id, r.Status, r.Desired, r.VmNode, r.VmId, r.VerifiedAtMs }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new SiteResource(
            r.Id, Enum.Parse<ResourceStatus>(r.Status), Enum.Parse<DesiredState>(r.Desired), r.VmNode, r.VmId,
            r.VerifiedAtMs is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null))];
    }

    public async Task<bool> AppendEventAsync(string resourceId, NewResourceEvent resourceEvent, AuditEvent? audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceId);
        ArgumentNullException.ThrowIfNull(resourceEvent);
        var write = new AppendEventWrite(resourceId, resourceEvent, audit is null ? null : AuditEntryOf(audit));
        await writer.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        return write.Appended;
    }

    private sealed class CreateWrite(Resource resource, NewResourceEvent firstEvent, NewAuditEntry audit) : ResourceWriter.PendingWrite("resource " + resource.Id)
    {
        // Serialised once here, not in the writer's turn: the explanation with its rejected candidates is the largest column.
        private readonly string placementJson = JsonSerializer.Serialize(resource.Placement);
        private readonly byte[] listJson = ListJsonOf(resource);

        public long Sequence { get; private set; }

        public override async Task ExecuteAsync(ResourceWriter.Statements sql, CancellationToken cancellationToken)
        {
            var r = resource;
            var size = ResourceTotals.ForVms(r.Spec.Size);
            // Quotas are taken with a guarded relative update, so concurrent requests never need to re-read and retry
            // unless the quota is really exhausted; the caller then re-reads and explains the refusal.
            if (await TakeAsync(sql, "projects", r.ProjectId, size, cancellationToken).ConfigureAwait(false) == 0
                || await TakeAsync(sql, "tenants", r.TenantId, size, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new StoreConflictException($"The quota of project {r.ProjectId} or tenant {r.TenantId} no longer has room for resource {r.Id}.");
            }

            var seq = await sql.ScalarAsync(
                "INSERT INTO resources (id, tenant_id, project_id, name, vcpu, ram_mib, disk_gib, template, ssh_keys, cloud_init_user, spec_hash, "
                + "desired, status, settled, failure_reason, site_id, host_id, anti_affinity_group, placement, vm_node, vm_id, attempts, "
                + "next_attempt_at_ms, created_at_ms, updated_at_ms, verified_at_ms, deleted_at_ms, metered_until_ms, idempotency_key, version, list_json, list_json_version) "
                + "VALUES (@id, @tenant_id, @project_id, @name, @vcpu, @ram_mib, @disk_gib, @template, @ssh_keys, @cloud_init_user, @spec_hash, "
                + "@desired, @status, @settled, @failure_reason, @site_id, @host_id, @anti_affinity_group, @placement, @vm_node, @vm_id, @attempts, "
                + "@next_attempt_at_ms, @created_at_ms, @updated_at_ms, @verified_at_ms, @deleted_at_ms, @metered_until_ms, @idempotency_key, 0, @list_json, 0) RETURNING seq",
                cancellationToken,
                Arg.Of("id", r.Id), Arg.Of("tenant_id", r.TenantId), Arg.Of("project_id", r.ProjectId), Arg.Of("name", r.Name),
                Arg.Of("vcpu", r.Spec.VCpu), Arg.Of("ram_mib", r.Spec.RamMiB), Arg.Of("disk_gib", r.Spec.DiskGiB), Arg.Of("template", r.Spec.Template),
                Arg.Of("ssh_keys", string.Join('\n', r.Spec.SshKeys)), Arg.Of("cloud_init_user", r.Spec.CloudInitUser), Arg.Of("spec_hash", r.SpecHash),
                Arg.Of("desired", r.Desired.ToString()), Arg.Of("status", r.Status.ToString()), Arg.Of("settled", r.IsSettled),
                Arg.Of("failure_reason", r.FailureReason), Arg.Of("site_id", r.Placement.SiteId), Arg.Of("host_id", r.Placement.HostId),
                Arg.Of("anti_affinity_group", r.Placement.AntiAffinityGroup), Arg.Of("placement", placementJson),
                Arg.Of("vm_node", r.Vm?.Node), Arg.Of("vm_id", r.Vm?.VmId), Arg.Of("attempts", r.Attempts),
                Arg.Of("next_attempt_at_ms", r.NextAttemptAt.ToUnixTimeMilliseconds()), Arg.Of("created_at_ms", r.CreatedAt.ToUnixTimeMilliseconds()),
                Arg.Of("updated_at_ms", r.UpdatedAt.ToUnixTimeMilliseconds()), Arg.Of("verified_at_ms", r.VerifiedAt?.ToUnixTimeMilliseconds()),
                Arg.Of("deleted_at_ms", r.DeletedAt?.ToUnixTimeMilliseconds()), Arg.Of("metered_until_ms", r.MeteredUntil?.ToUnixTimeMilliseconds()),
                Arg.Of("idempotency_key", r.IdempotencyKey), Arg.Of("list_json", listJson)).ConfigureAwait(false);
            Sequence = Convert.ToInt64(seq, System.Globalization.CultureInfo.InvariantCulture);
            await InsertEventAsync(sql, r, firstEvent, cancellationToken).ConfigureAwait(false);
            await sql.AuditAsync(audit, cancellationToken).ConfigureAwait(false);
        }

        private static Task<int> TakeAsync(ResourceWriter.Statements sql, string table, string id, ResourceTotals size, CancellationToken cancellationToken) =>
            sql.ExecuteAsync(
                $"UPDATE {table} SET used_vcpu = used_vcpu + @vcpu, used_ram_mib = used_ram_mib + @ram, used_disk_gib = used_disk_gib + @disk, used_vms = used_vms + @vms "
                + "WHERE id = @id AND used_vcpu + @vcpu <= quota_vcpu AND used_ram_mib + @ram <= quota_ram_mib "
                + "AND used_disk_gib + @disk <= quota_disk_gib AND used_vms + @vms <= quota_vms",
                cancellationToken, Arg.Of("vcpu", size.VCpu), Arg.Of("ram", size.RamMiB), Arg.Of("disk", size.DiskGiB), Arg.Of("vms", size.Vms), Arg.Of("id", id));
    }

    /// <summary>A resource's new state, if its stored version is still the one it was read at; with its events, audit entries and released quota.</summary>
    private sealed class UpdateWrite(Resource updated, IReadOnlyList<NewResourceEvent> events, IReadOnlyList<NewAuditEntry> audits, ResourceTotals? release)
        : ResourceWriter.PendingWrite("resource " + updated.Id)
    {
        // Written beside the row's new state, for the version this write makes.
        private readonly byte[] listJson = ListJsonOf(updated);

        /// <summary>The stored metered-until mark: once set, only metering moves it.</summary>
        public long? MeteredUntilMs { get; private set; }

        public override async Task ExecuteAsync(ResourceWriter.Statements sql, CancellationToken cancellationToken)
        {
            var r = updated;
            // Placement, spec and owners never change after creation, so only the moving parts are written.
            var metered = await sql.ScalarAsync(
                "UPDATE resources SET desired = @desired, status = @status, settled = @settled, failure_reason = @failure_reason, vm_node = @vm_node, "
                + "vm_id = @vm_id, attempts = @attempts, next_attempt_at_ms = @next_attempt_at_ms, updated_at_ms = @updated_at_ms, "
                + "verified_at_ms = @verified_at_ms, deleted_at_ms = @deleted_at_ms, metered_until_ms = COALESCE(metered_until_ms, @metered_until_ms), "
                + "version = version + 1, list_json = @list_json, list_json_version = @version + 1 WHERE id = @id AND version = @version RETURNING metered_until_ms",
                cancellationToken,
                Arg.Of("desired", r.Desired.ToString()), Arg.Of("status", r.Status.ToString()), Arg.Of("settled", r.IsSettled),
                Arg.Of("failure_reason", r.FailureReason), Arg.Of("vm_node", r.Vm?.Node), Arg.Of("vm_id", r.Vm?.VmId), Arg.Of("attempts", r.Attempts),
                Arg.Of("next_attempt_at_ms", r.NextAttemptAt.ToUnixTimeMilliseconds()), Arg.Of("updated_at_ms", r.UpdatedAt.ToUnixTimeMilliseconds()),
                Arg.Of("verified_at_ms", r.VerifiedAt?.ToUnixTimeMilliseconds()), Arg.Of("deleted_at_ms", r.DeletedAt?.ToUnixTimeMilliseconds()),
                Arg.Of("metered_until_ms", r.MeteredUntil?.ToUnixTimeMilliseconds()), Arg.Of("id", r.Id), Arg.Of("version", r.Version),
                Arg.Of("list_json", listJson)).ConfigureAwait(false);
            if (metered is null)
            {
                throw new StoreConflictException($"Resource {r.Id} changed meanwhile or does not exist (expected version {r.Version}).");
            }

            MeteredUntilMs = metered is DBNull ? null : Convert.ToInt64(metered, System.Globalization.CultureInfo.InvariantCulture);
            foreach (var resourceEvent in events)
            {
                await InsertEventAsync(sql, r, resourceEvent, cancellationToken).ConfigureAwait(false);
            }

            if (release is { } give)
            {
                if (await GiveBackAsync(sql, "projects", r.ProjectId, give, cancellationToken).ConfigureAwait(false) == 0
                    || await GiveBackAsync(sql, "tenants", r.TenantId, give, cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new InvalidOperationException($"Releasing more than project {r.ProjectId} or tenant {r.TenantId} holds ({give}).");
                }
            }

            foreach (var audit in audits)
            {
                await sql.AuditAsync(audit, cancellationToken).ConfigureAwait(false);
            }
        }

        private static Task<int> GiveBackAsync(ResourceWriter.Statements sql, string table, string id, ResourceTotals size, CancellationToken cancellationToken) =>
            sql.ExecuteAsync(
                $"UPDATE {table} SET used_vcpu = used_vcpu - @vcpu, used_ram_mib = used_ram_mib - @ram, used_disk_gib = used_disk_gib - @disk, used_vms = used_vms - @vms "
                + "WHERE id = @id AND used_vcpu >= @vcpu AND used_ram_mib >= @ram AND used_disk_gib >= @disk AND used_vms >= @vms",
                cancellationToken, Arg.Of("vcpu", size.VCpu), Arg.Of("ram", size.RamMiB), Arg.Of("disk", size.DiskGiB), Arg.Of("vms", size.Vms), Arg.Of("id", id));
    }

    /// <summary>
    /// A resize: the old size's usage up to now, the new spec, the quota change, the event and the audit entry, if the
    /// resource's version and metered-until mark are still the ones it was read at.
    /// </summary>
    private sealed class ResizeWrite(
        Resource resized, IReadOnlyList<UsageRecord> usage, DateTimeOffset? meteredFrom, ResourceTotals change, NewResourceEvent resourceEvent, NewAuditEntry audit)
        : ResourceWriter.PendingWrite("resource " + resized.Id)
    {
        private readonly byte[] listJson = ListJsonOf(resized);

        public override async Task ExecuteAsync(ResourceWriter.Statements sql, CancellationToken cancellationToken)
        {
            var r = resized;
            // -1 stands for "never metered" on both sides, so the guard needs no null-safe comparison.
            var updated = await sql.ExecuteAsync(
                "UPDATE resources SET vcpu = @vcpu, ram_mib = @ram_mib, disk_gib = @disk_gib, spec_hash = @spec_hash, status = @status, settled = @settled, "
                + "failure_reason = @failure_reason, attempts = @attempts, next_attempt_at_ms = @next_attempt_at_ms, updated_at_ms = @updated_at_ms, "
                + "metered_until_ms = @metered_until_ms, version = version + 1, list_json = @list_json, list_json_version = @version + 1 "
                + "WHERE id = @id AND version = @version AND COALESCE(metered_until_ms, -1) = @metered_from_ms",
                cancellationToken,
                Arg.Of("vcpu", r.Spec.VCpu), Arg.Of("ram_mib", r.Spec.RamMiB), Arg.Of("disk_gib", r.Spec.DiskGiB), Arg.Of("spec_hash", r.SpecHash),
                Arg.Of("status", r.Status.ToString()), Arg.Of("settled", r.IsSettled), Arg.Of("failure_reason", r.FailureReason), Arg.Of("attempts", r.Attempts),
                Arg.Of("next_attempt_at_ms", r.NextAttemptAt.ToUnixTimeMilliseconds()), Arg.Of("updated_at_ms", r.UpdatedAt.ToUnixTimeMilliseconds()),
                Arg.Of("metered_until_ms", r.MeteredUntil?.ToUnixTimeMilliseconds()), Arg.Of("id", r.Id), Arg.Of("version", r.Version),
                Arg.Of("metered_from_ms", meteredFrom?.ToUnixTimeMilliseconds() ?? -1L), Arg.Of("list_json", listJson)).ConfigureAwait(false);
            if (updated == 0)
            {
                throw new StoreConflictException($"Resource {r.Id} changed or was metered meanwhile (expected version {r.Version}).");
            }

            if (await ChangeQuotaAsync(sql, "projects", r.ProjectId, change, cancellationToken).ConfigureAwait(false) == 0
                || await ChangeQuotaAsync(sql, "tenants", r.TenantId, change, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new StoreConflictException($"The quota of project {r.ProjectId} or tenant {r.TenantId} no longer has room for resizing resource {r.Id}.");
            }

            foreach (var u in usage)
            {
                await sql.ExecuteAsync(
                    "INSERT INTO resource_usage (resource_id, hour_start_ms, tenant_id, project_id, seconds, vcpu_seconds, ram_mib_seconds, disk_gib_seconds) "
                    + "VALUES (@resource_id, @hour_start_ms, @tenant_id, @project_id, @seconds, @vcpu_seconds, @ram_mib_seconds, @disk_gib_seconds) "
                    + "ON CONFLICT (resource_id, hour_start_ms) DO UPDATE SET seconds = resource_usage.seconds + excluded.seconds, "
                    + "vcpu_seconds = resource_usage.vcpu_seconds + excluded.vcpu_seconds, ram_mib_seconds = resource_usage.ram_mib_seconds + excluded.ram_mib_seconds, "
                    + "disk_gib_seconds = resource_usage.disk_gib_seconds + excluded.disk_gib_seconds",
                    cancellationToken,
                    Arg.Of("resource_id", u.ResourceId), Arg.Of("hour_start_ms", u.HourStart.ToUnixTimeMilliseconds()), Arg.Of("tenant_id", u.TenantId),
                    Arg.Of("project_id", u.ProjectId), Arg.Of("seconds", u.Seconds), Arg.Of("vcpu_seconds", u.VCpuSeconds), Arg.Of("ram_mib_seconds", u.RamMiBSeconds),
                    Arg.Of("disk_gib_seconds", u.DiskGiBSeconds)).ConfigureAwait(false);
            }

            await InsertEventAsync(sql, r, resourceEvent, cancellationToken).ConfigureAwait(false);
            await sql.AuditAsync(audit, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Adds the change to what is used, guarded so a growth stays within the quota and nothing goes below zero.</summary>
        private static Task<int> ChangeQuotaAsync(ResourceWriter.Statements sql, string table, string id, ResourceTotals change, CancellationToken cancellationToken) =>
            sql.ExecuteAsync(
                $"UPDATE {table} SET used_vcpu = used_vcpu + @vcpu, used_ram_mib = used_ram_mib + @ram, used_disk_gib = used_disk_gib + @disk "
                + "WHERE id = @id AND (@vcpu <= 0 OR used_vcpu + @vcpu <= quota_vcpu) AND (@ram <= 0 OR used_ram_mib + @ram <= quota_ram_mib) "
                + "AND (@disk <= 0 OR used_disk_gib + @disk <= quota_disk_gib) AND used_vcpu + @vcpu >= 0 AND used_ram_mib + @ram >= 0 AND used_disk_gib + @disk >= 0",
                cancellationToken, Arg.Of("vcpu", change.VCpu), Arg.Of("ram", change.RamMiB), Arg.Of("disk", change.DiskGiB), Arg.Of("id", id));
    }

    /// <summary>An event for a resource's history (with the status it has), and its audit entry if any; the resource itself is left as it is.</summary>
    private sealed class AppendEventWrite(string resourceId, NewResourceEvent resourceEvent, NewAuditEntry? audit) : ResourceWriter.PendingWrite("resource " + resourceId)
    {
        public bool Appended { get; private set; }

        public override async Task ExecuteAsync(ResourceWriter.Statements sql, CancellationToken cancellationToken)
        {
            var inserted = await sql.ExecuteAsync(
                "INSERT INTO resource_events (resource_id, time_ms, status, kind, message) "
                + "SELECT id, @time_ms, status, @kind, @message FROM resources WHERE id = @id",
                cancellationToken, Arg.Of("time_ms", sql.NowMs), Arg.Of("kind", resourceEvent.Kind), Arg.Of("message", resourceEvent.Message), Arg.Of("id", resourceId))
                .ConfigureAwait(false);
            Appended = inserted > 0;
            if (Appended && audit is not null)
            {
                await sql.AuditAsync(audit, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
